import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { DomainError, LiveReplicas, RateLimiter } from './common';
import type { AppConfig } from './config';
import { ManagementServer } from './management-server';
import { createLogger, NestLogger, requestLog } from './observability';
import { serveOpenApi } from './api-document';

/** Every JSON body this API takes (consent callbacks, commands) is far smaller. */
const REQUEST_BODY_LIMIT = '16kb';

/**
 * Builds and starts the HTTP service; used by `main.ts` and by the end-to-end tests. Signals are its
 * caller's to handle: `main.ts` drains and closes it, the demo stops more than the app.
 */
export async function startApp(
  config: AppConfig,
  logger = createLogger(config.log, config.secrets),
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(new NestLogger(logger));
  app.use(requestLog(logger));
  app.set('trust proxy', config.http.trustProxyHops);
  const management = app.get(ManagementServer);
  if (config.http.managementPort !== null) app.use(management.separatePorts);
  // Before the body parser: a refused callback costs no parsing.
  app.use(
    config.consent.callbackPath,
    limitCallbacksPerIp(app.get(LiveReplicas).limiter(config.consent.callbacksPerIp)),
  );
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  serveOpenApi(app);
  await app.listen(config.http.port, config.http.host);
  await management.listen();
  return app;
}

/** Express middleware answering 429 `rate_limited` to a client IP over its callbacks' bucket. */
function limitCallbacksPerIp(limiter: RateLimiter) {
  return (request: { ip?: string }, _response: unknown, next: (error?: unknown) => void) => {
    const waitMs = limiter.take(request.ip ?? '');
    if (waitMs === 0) return next();
    const seconds = Math.ceil(waitMs / 1000);
    next(
      new DomainError(
        'rate_limited',
        `too many consent callbacks from this address; retry in ${seconds} s`,
        { retryAfterSeconds: seconds },
      ),
    );
  };
}

/** The base URL of the management port; the API port's when they are one. */
export async function managementUrl(app: INestApplication): Promise<string> {
  const port = app.get(ManagementServer).port;
  if (port === undefined) return app.getUrl();
  const api = new URL(await app.getUrl());
  api.port = String(port);
  return api.origin;
}
