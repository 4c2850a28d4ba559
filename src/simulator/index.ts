// What other modules may use of this one (see .dependency-cruiser.cjs).
export { measureSimulatorCeiling } from './ceiling';
export type { AccountSpec } from './accounts';
export { deviceModels } from './device-models';
export type { FleetSpec } from './fleet';
export { IntegratorCredentials, ShellySimulator } from './simulator.server';
