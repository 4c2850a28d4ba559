// What other modules may use of this one (see .dependency-cruiser.cjs).
export { LeasedSessionKeys } from './leased-session-keys';
export { LeasesModule } from './leases.module';
