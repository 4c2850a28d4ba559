import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Logger } from 'pino';
import { allowedMethods } from './allowed-methods';
import { isDatabaseUnavailable } from './database-unavailable';
import { DomainError, ErrorCode, errorStatus } from './domain-error';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  reason?: string;
  rpcCode?: number;
}

/** The body of the answer to a `DomainError`. */
export function errorBody(error: DomainError): ErrorBody {
  const { reason, rpcCode } = error.extras;
  const body: ErrorBody = { code: error.code, message: error.message };
  if (reason !== undefined) body.reason = reason;
  if (rpcCode !== undefined) body.rpcCode = rpcCode;
  return body;
}

/** A guess at how soon the database is back: a restart or failover takes seconds. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Every error leaves the API as `{code, message}` with the status its code stands for. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const error = isDatabaseUnavailable(thrown) ? this.databaseUnavailable(thrown) : thrown;
    const response = host.switchToHttp().getResponse<{
      setHeader(name: string, value: string): void;
      status(code: number): { json(body: ErrorBody): void };
    }>();
    let body = this.toBody(error);
    if (body.code === 'not_found' && !(error instanceof DomainError)) {
      // No route for this method; when the path has routes for others, say so.
      const allowed = allowedMethods(host.switchToHttp().getRequest());
      if (allowed.length > 0) {
        response.setHeader('Allow', allowed.join(', '));
        body = { code: 'method_not_allowed', message: `this path takes ${allowed.join(', ')}` };
      }
    }
    const retryAfter = error instanceof DomainError ? error.extras.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(errorStatus[body.code]).json(body);
  }

  private databaseUnavailable(cause: unknown): DomainError {
    this.logger.warn({ err: cause }, 'the database is unavailable to an HTTP request');
    return new DomainError('database_unavailable', 'the database is unavailable; retry later', {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof DomainError) return errorBody(error);
    // Body parsing and routing fail with HTTP errors of Nest or body-parser; our code throws DomainError.
    const status =
      error instanceof HttpException ? error.getStatus() : (error as { status?: unknown }).status;
    if (status === 400) return { code: 'invalid_json', message: 'the body is not valid JSON' };
    if (status === 413) {
      return { code: 'payload_too_large', message: 'the body is larger than this API accepts' };
    }
    if (status === 404) return { code: 'not_found', message: 'no such route' };
    this.logger.error({ err: error }, 'unhandled error in HTTP request');
    return { code: 'internal_error', message: 'internal error' };
  }
}
