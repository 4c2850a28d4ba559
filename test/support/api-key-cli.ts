import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** A key of the default partner with `scopes`, made as an operator would: with the command line. */
export function createApiKeyWithCli(databaseUrl: string, pepper: string, scopes: string): string {
  const result = spawnSync(
    process.execPath,
    [
      // From the repository's root, where tests and benchmarks run, compiled or not.
      resolve(process.cwd(), 'dist/cli/main.js'),
      'api-key',
      'create',
      '--name',
      'replicas',
      '--scopes',
      scopes,
      '--partner',
      'default',
    ],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, API_KEY_PEPPER: pepper },
    },
  );
  if (result.status !== 0) throw new Error(`api-key create failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { key: string }).key;
}
