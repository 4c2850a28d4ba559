import 'reflect-metadata';
import { startApp } from './app';
import { AppConfig, ConfigError, loadConfig, loadDotEnvFile } from './config/config';
import { createLogger } from './observability/logger';

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
  .then(async (app) => logger.info({ url: await app.getUrl() }, 'shelly-ingest started'))
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'shelly-ingest failed to start');
    process.exit(1);
  });
