// What other modules may use of this one (see .dependency-cruiser.cjs).
export { isDatabaseUnavailable } from './database-unavailable';
export {
  chooseReading,
  cloudDeviceId,
  decimalReading,
  hexReading,
  toDecimalDeviceId,
} from './device-id';
export { DomainError, errorStatus } from './domain-error';
export type { DomainErrorExtras, ErrorCode } from './domain-error';
export { HealthIndicator } from './health-indicator';
export { hostMatcher } from './host-matcher';
export type { HealthReport } from './health-indicator';
export { errorBody, HttpErrorFilter } from './http-error.filter';
export type { ErrorBody } from './http-error.filter';
export { LiveReplicas } from './live-replicas';
export { RateLimiter } from './rate-limiter';
export type { RateLimit } from './rate-limiter';
export { backoffDelay, sleep } from './retry';
export type { BackoffPolicy } from './retry';
export { holdsNul, parseBody } from './validation';
