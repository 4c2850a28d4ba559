import { Command, InvalidArgumentError } from 'commander';
import { ConsentStore } from '../consent';
import { decimalReading, hexReading } from '../common';
import { printJson, withPgPool } from './database-client';

function parseUserId(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new InvalidArgumentError('expected a Shelly user id (a number)');
  return Number(value);
}

function parseScope(value: string): 'read' | 'control' {
  if (value !== 'read' && value !== 'control')
    throw new InvalidArgumentError('expected read or control');
  return value;
}

export function registerConsentCommand(program: Command): void {
  const consent = program
    .command('consent')
    .description('inspect stored consent (needs DATABASE_URL)');
  consent
    .command('list')
    .description('list consented devices')
    .option('--partner <id>', 'only devices shared with this partner')
    .option('--user <id>', 'only devices of this Shelly user', parseUserId)
    .option('--host <host>', 'only devices on this Shelly cloud host')
    .option('--scope <scope>', 'only read or control', parseScope)
    .action(
      (options: { partner?: string; user?: number; host?: string; scope?: 'read' | 'control' }) =>
        withPgPool(async (pool) =>
          printJson(
            await new ConsentStore(pool).list({
              partnerId: options.partner,
              ownerUserId: options.user,
              host: options.host?.toLowerCase(),
              scope: options.scope,
            }),
          ),
        ),
    );
  consent
    .command('show <deviceId>')
    .description("one device's consent and its whole history (hex or decimal id)")
    .action((deviceIdArg: string) =>
      withPgPool(async (pool) => {
        const deviceId = hexReading(deviceIdArg) ?? decimalReading(deviceIdArg);
        if (!deviceId) throw new Error(`${deviceIdArg} is not a Shelly device id`);
        const store = new ConsentStore(pool);
        printJson({ consent: await store.find(deviceId), history: await store.history(deviceId) });
      }),
    );
}
