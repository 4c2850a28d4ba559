// What other modules may use of this one (see .dependency-cruiser.cjs).
export { AvailableDuringShutdown, ShutdownGuard, ShutdownModule, ShutdownState } from './shutdown';
