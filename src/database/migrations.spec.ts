import { AppliedMigration, Migration, matchesChecksum, planMigrations, sha256 } from './migrations';

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: sha256(sql) };
}

function applied(m: Migration, overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return { name: m.name, checksum: m.checksum, finished: true, rolledBack: false, ...overrides };
}

const first = migration('20260101000000_first', 'CREATE TABLE a (id int);\n');
const second = migration('20260201000000_second', 'CREATE TABLE b (id int);\n');

describe('migration planning', () => {
  it('plans every migration on an empty database', () => {
    expect(planMigrations([first, second], [])).toEqual({
      ok: true,
      pending: [first, second],
      unknownApplied: [],
    });
  });

  it('plans nothing when everything is applied', () => {
    expect(planMigrations([first, second], [applied(first), applied(second)])).toEqual({
      ok: true,
      pending: [],
      unknownApplied: [],
    });
  });

  it('refuses when an applied migration file was changed', () => {
    const edited = {
      ...first,
      sql: 'CREATE TABLE a (id bigint);\n',
      checksum: sha256('CREATE TABLE a (id bigint);\n'),
    };
    const plan = planMigrations([edited, second], [applied(first)]);
    expect(plan).toEqual({
      ok: false,
      problem: expect.stringContaining('20260101000000_first was changed'),
    });
  });

  it('refuses while an earlier attempt is recorded as failed', () => {
    const plan = planMigrations([first], [applied(first, { finished: false })]);
    expect(plan).toEqual({ ok: false, problem: expect.stringContaining('failed earlier') });
  });

  it('retries a migration that was rolled back', () => {
    const plan = planMigrations([first], [applied(first, { finished: false, rolledBack: true })]);
    expect(plan).toEqual({ ok: true, pending: [first], unknownApplied: [] });
  });

  it('reports a migration applied by a newer build without failing', () => {
    expect(planMigrations([first], [applied(first), applied(second)])).toEqual({
      ok: true,
      pending: [],
      unknownApplied: [second.name],
    });
  });

  it('accepts a file whose line endings git converted', () => {
    expect(matchesChecksum(first.sql.replace(/\n/g, '\r\n'), first.checksum)).toBe(true);
    expect(
      matchesChecksum('CREATE TABLE a (id int);\r\n', sha256('CREATE TABLE a (id int);\n')),
    ).toBe(true);
    expect(matchesChecksum('CREATE TABLE z (id int);\n', first.checksum)).toBe(false);
  });
});
