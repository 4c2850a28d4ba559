// What other modules may use of this one (see .dependency-cruiser.cjs).
export { LatestStateModule } from './latest-state.module';
