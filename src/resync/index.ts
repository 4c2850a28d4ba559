// What other modules may use of this one (see .dependency-cruiser.cjs).
export { ResyncModule } from './resync.module';
