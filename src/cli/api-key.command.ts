import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { type ApiKeyScope, apiKeyScopes, ApiKeyStore } from '../partners';
import { readVariables } from '../config';
import { printJson, withPrisma } from './database-client';
import { parsePartnerId } from './partner.command';

function parseScopes(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(apiKeyScopes as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${apiKeyScopes.join(', ')}`);
  }
  return [...new Set(scopes)] as ApiKeyScope[];
}

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time');
  return time;
}

function withKeys<T>(work: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const { API_KEY_PEPPER } = readVariables(process.env, ['API_KEY_PEPPER']);
  // The command line verifies no key, so the store has nothing to log.
  return withPrisma((prisma) =>
    work(new ApiKeyStore(prisma, API_KEY_PEPPER, pino({ level: 'silent' }))),
  );
}

export function registerApiKeyCommand(program: Command): void {
  const apiKey = program
    .command('api-key')
    .description('manage API keys (needs DATABASE_URL and API_KEY_PEPPER)');
  apiKey
    .command('create')
    .description('create a key and print it once; it cannot be shown again')
    .requiredOption('--name <name>', 'who or what uses the key')
    .requiredOption('--scopes <scopes>', `comma-separated: ${apiKeyScopes.join(', ')}`, parseScopes)
    .option('--partner <id>', 'the partner whose key it is (required unless admin)', parsePartnerId)
    .option('--expires-at <time>', 'ISO 8601 time after which the key is refused', parseTime)
    .action(
      (options: { name: string; scopes: ApiKeyScope[]; partner?: string; expiresAt?: Date }) =>
        withKeys(async (keys) =>
          printJson(
            await keys.create(options.name, options.scopes, {
              partnerId: options.partner,
              expiresAt: options.expiresAt,
            }),
          ),
        ),
    );
  apiKey
    .command('list')
    .description('list keys (never their secrets)')
    .option('--partner <id>', "only this partner's keys", parsePartnerId)
    .action((options: { partner?: string }) =>
      withKeys(async (keys) => printJson(await keys.list(options.partner))),
    );
  apiKey
    .command('revoke <id>')
    .description('revoke a key by its id')
    .action((id: string) =>
      withKeys(async (keys) => {
        const revoked = await keys.revoke(id);
        if (!revoked) throw new Error(`no API key ${id}`);
        printJson(revoked);
      }),
    );
}
