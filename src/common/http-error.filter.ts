import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Logger } from 'pino';
import { DomainError, ErrorCode, errorStatus } from './domain-error';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** Every error leaves the API as `{code, message}` with the status its code stands for. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: ErrorBody): void } }>();
    const body = this.toBody(error);
    response.status(errorStatus[body.code]).json(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
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
