// What other modules may use of this one (see .dependency-cruiser.cjs).
export { FrameTrace } from './frame-trace';
export type { RecordSettlement } from './frame-trace';
export { createLogger } from './logger';
export { InjectRootLogger, LoggingModule, ROOT_LOGGER } from './logging.module';
export { Metrics } from './metrics';
export { NestLogger } from './nest-logger';
export { requestLog } from './request-log';
export { MetricsModule } from './metrics.module';
export { Replica } from './replica';
export { endSpan, SpanKind, Tracing } from './tracing';
export type { Attributes, Span } from './tracing';
export { TracingModule } from './tracing.module';
