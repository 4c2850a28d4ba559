import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config';
import { createLogger } from './observability';
import { serveOpenApi } from './api-document';

/** Every JSON body this API takes (consent callbacks, commands) is far smaller. */
const REQUEST_BODY_LIMIT = '16kb';

/** Builds and starts the HTTP service; used by `main.ts` and by the end-to-end tests. */
export async function startApp(
  config: AppConfig,
  logger = createLogger(config.log, config.secrets),
  options: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(NestPinoLogger));
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  serveOpenApi(app);
  // On a signal: close the app (refuse requests, close sockets, flush events), then exit 0. The
  // demo handles signals itself, as it stops more than the app.
  if (options.shutdownHooks !== false) app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.http.port, config.http.host);
  return app;
}
