// What other modules may use of this one (see .dependency-cruiser.cjs).
export { createLogger } from './logger';
export { InjectRootLogger, LoggingModule, ROOT_LOGGER } from './logging.module';
export { Metrics } from './metrics';
export { MetricsModule } from './metrics.module';
