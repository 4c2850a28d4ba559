// What other modules may use of this one (see .dependency-cruiser.cjs).
export { AccountApi } from './account-api';
export { AccountSessionsModule } from './account-sessions.module';
export { AccountSnapshots } from './account-snapshots';
export type { SnapshotOutcome } from './account-snapshots';
