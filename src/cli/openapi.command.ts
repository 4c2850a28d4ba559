import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import pino from 'pino';
import { AppModule } from '../app.module';
import { loadConfig } from '../config';
import { buildOpenApiDocument } from '../api-document';

/**
 * Placeholders for the required variables: the document depends only on defaults, so that every
 * machine prints the same one. Nothing is connected to.
 */
const documentConfigEnv = {
  DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi',
  KAFKA_BROKERS: '127.0.0.1:1',
  SHELLY_INTEGRATOR_TAG: 'ITG_OPENAPI',
  SHELLY_INTEGRATOR_TOKEN: 'openapi',
  API_KEY_PEPPER: 'openapi-document-placeholder-pepper-0000',
  LOG_LEVEL: 'silent',
};

/** The OpenAPI document of the default configuration, as a running service serves it. */
export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig(documentConfigEnv);
  const app = await NestFactory.create(AppModule.forRoot(config, pino({ level: 'silent' })), {
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export function registerOpenApiCommand(program: Command): void {
  program
    .command('openapi')
    .description('print the OpenAPI document of the HTTP API (default configuration)')
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (options: { out?: string }) => {
      const document = await renderOpenApiDocument();
      if (options.out) writeFileSync(options.out, document);
      else process.stdout.write(document);
    });
}
