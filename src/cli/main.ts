#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { loadDotEnvFile } from '../config';
import { registerApiKeyCommand } from './api-key.command';
import { registerConsentCommand } from './consent.command';
import { registerMigrateCommand } from './migrate.command';
import { registerNormalizeCommand } from './normalize.command';
import { registerOpenApiCommand } from './openapi.command';
import { registerPartnerCommand } from './partner.command';
import { registerSimulateCommand } from './simulate.command';

loadDotEnvFile();
const program = new Command('shelly-ingest').description('Shelly Integrator Ingest command line');
registerMigrateCommand(program);
registerNormalizeCommand(program);
registerPartnerCommand(program);
registerApiKeyCommand(program);
registerConsentCommand(program);
registerSimulateCommand(program);
registerOpenApiCommand(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
