import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import './wasm-baseline-only';
import { managementUrl, startApp } from './app';
import { ShutdownState } from './shutdown';
import { type AppConfig, ConfigError, loadConfig, loadDotEnvFile } from './config';
import { createLogger } from './observability';

function configOrExit(): AppConfig {
  loadDotEnvFile();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}

const config = configOrExit();
const logger = createLogger(config.log, config.secrets);
startApp(config, logger)
  .then(async (app) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void leave(app, signal));
    }
    logger.info(
      { url: await app.getUrl(), managementUrl: await managementUrl(app) },
      'shelly-ingest started',
    );
  })
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'shelly-ingest failed to start');
    process.exit(1);
  });

/**
 * Drains (not ready, sessions handed over, requests still answered), then closes the app (refuse
 * requests, close sockets, flush events) within SHUTDOWN_GRACE_MS, and exits.
 */
async function leave(app: INestApplication, signal: NodeJS.Signals): Promise<void> {
  const shutdown = app.get(ShutdownState);
  logger.info({ signal, drainMs: config.shutdownDrainMs }, 'draining');
  await shutdown.drain();
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
  setTimeout(() => {
    logger.error(
      { graceMs: config.shutdownGraceMs },
      'shutdown took longer than SHUTDOWN_GRACE_MS; exiting now',
    );
    process.exit(1);
  }, config.shutdownGraceMs).unref();
  await app.close();
  process.exit(0);
}
