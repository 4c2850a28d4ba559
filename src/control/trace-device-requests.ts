import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { DomainError, errorStatus, isDatabaseUnavailable } from '../common';
import { endSpan, Tracing } from '../observability';
import type { AuthenticatedRequest } from '../partners';

interface TracedRequest extends AuthenticatedRequest {
  method: string;
  params: Record<string, string | undefined>;
  route?: { path: string };
}

/**
 * A server span for each request that may need a device's session (a command, an RPC call, a
 * settings request), from the API-key check on to the answer; the child of the caller's
 * `traceparent`, a partner's or the replica's that passed the request on. What the request does
 * within it (the hop to the holder, Shelly's round trip) is its children. The API key stays out.
 */
@Injectable()
export class TraceDeviceRequests implements NestInterceptor {
  constructor(private readonly tracing: Tracing) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.tracing.enabled) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<TracedRequest>();
    const response = http.getResponse<{ statusCode: number }>();
    const route = request.route?.path ?? '';
    const partner = request.apiKey?.partnerId;
    const attributes = {
      'http.request.method': request.method,
      'http.route': route,
      'shelly.device.id': (request.params.id ?? '').slice(0, 64),
      ...(partner ? { 'shelly.partner.id': partner } : {}),
    };
    return this.tracing.serve(`${request.method} ${route}`, request.headers, attributes, (span) =>
      next.handle().pipe(
        tap({
          next: (body) =>
            endSpan(span, answerOutcome(response.statusCode, body), {
              'http.response.status_code': response.statusCode,
            }),
          error: (error: unknown) => {
            const code = errorCode(error);
            endSpan(span, code, { 'http.response.status_code': errorStatus[code] });
          },
        }),
      ),
    );
  }
}

/** `ok`, or the error code of an answer the holder gave. */
export function answerOutcome(status: number, body: unknown): string {
  if (status < 400) return 'ok';
  const code = (body as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(status);
}

function errorCode(error: unknown): keyof typeof errorStatus {
  if (error instanceof DomainError) return error.code;
  return isDatabaseUnavailable(error) ? 'database_unavailable' : 'internal_error';
}
