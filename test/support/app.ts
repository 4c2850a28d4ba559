import { INestApplication } from '@nestjs/common';
import { managementUrl, startApp } from '../../src/app';
import { AppConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { createMigratedDatabase, testConfig } from './services';

export interface RunningService {
  app: INestApplication;
  url: string;
  /** Health, metrics and the API document. */
  managementUrl: string;
  config: AppConfig;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** Starts the whole service on a fresh migrated database, its own topic prefix and free ports. */
export async function startService(
  overrides: Record<string, string> = {},
  database?: { url: string },
): Promise<RunningService> {
  const owned = database ? undefined : await createMigratedDatabase();
  const databaseUrl = database?.url ?? (owned as { url: string }).url;
  const config = testConfig(databaseUrl, overrides);
  const app = await startApp(
    config,
    createLogger(
      {
        level: (process.env.TEST_LOG_LEVEL ?? 'silent') as AppConfig['log']['level'],
        format: 'json',
      },
      config.secrets,
    ),
  );
  return {
    app,
    url: await app.getUrl(),
    managementUrl: await managementUrl(app),
    config,
    databaseUrl,
    stop: async () => {
      await app.close();
      await owned?.drop();
    },
  };
}
