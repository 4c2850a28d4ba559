import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `prisma/migrations` of the package this file belongs to, whether it runs from src or a build output. */
function findMigrationsDir(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no prisma/migrations folder above ${from}`);
}

export const defaultMigrationsDir = findMigrationsDir(__dirname);

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

export type MigrationPlan =
  { ok: true; pending: Migration[]; unknownApplied: string[] } | { ok: false; problem: string };

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Same rule as Prisma: a script matches its checksum whatever its line endings became in git. */
export function matchesChecksum(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  return [sql, lf, lf.replace(/\n/g, '\r\n')].some((variant) => sha256(variant) === checksum);
}

export function readMigrations(dir = defaultMigrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    });
}

/**
 * Decides what to apply. Refuses when an applied migration's file has changed or when an earlier
 * attempt failed half-way; an applied migration that this build does not know (a newer build ran
 * first) is reported, not fatal, so that rolling deploys keep working.
 */
export function planMigrations(local: Migration[], applied: AppliedMigration[]): MigrationPlan {
  const failed = applied.find((a) => !a.finished && !a.rolledBack);
  if (failed) {
    return {
      ok: false,
      problem: `migration ${failed.name} failed earlier and is not marked rolled back; resolve it by hand before migrating`,
    };
  }
  const done = new Map(applied.filter((a) => a.finished && !a.rolledBack).map((a) => [a.name, a]));
  for (const migration of local) {
    const record = done.get(migration.name);
    if (record && !matchesChecksum(migration.sql, record.checksum)) {
      return {
        ok: false,
        problem: `migration ${migration.name} was changed after it was applied (checksum differs); restore the original file and add a new migration instead`,
      };
    }
  }
  const localNames = new Set(local.map((m) => m.name));
  return {
    ok: true,
    pending: local.filter((m) => !done.has(m.name)),
    unknownApplied: [...done.keys()].filter((name) => !localNames.has(name)),
  };
}
