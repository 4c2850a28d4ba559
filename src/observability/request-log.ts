import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'pino';

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/** Honours a caller's X-Request-Id when it is sane, otherwise makes one; echoes it on the response. */
function requestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
  response.setHeader('x-request-id', id);
  return id;
}

/**
 * Express middleware: every request gets its id, and one log line when its response is done (`info`;
 * `error` for a 5xx; `warn` when the client left before the answer). The line is built only when its
 * level is written, so at `LOG_LEVEL=warn` a successful request costs a listener and no object.
 * Headers are left out: they carry credentials, and nothing in them is needed to follow a request.
 */
export function requestLog(logger: Logger) {
  return (
    request: IncomingMessage & { originalUrl?: string },
    response: ServerResponse,
    next: () => void,
  ): void => {
    const started = performance.now();
    const id = requestId(request, response);
    response.once('close', () => {
      const answered = response.writableFinished;
      const level = !answered ? 'warn' : response.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          requestId: id,
          req: {
            method: request.method,
            url: request.originalUrl ?? request.url,
            remoteAddress: request.socket.remoteAddress,
          },
          res: { statusCode: response.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        answered ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
