import { Command } from 'commander';
import { databaseConfigFrom, databaseVariableNames, readVariables } from '../config';
import { migrate, readMigrations } from '../database';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations (prisma/migrations), recorded the way Prisma Migrate does',
    )
    .action(async () => {
      const database = databaseConfigFrom(readVariables(process.env, databaseVariableNames));
      const report = await migrate(database.url, readMigrations());
      for (const name of report.applied) process.stdout.write(`applied ${name}\n`);
      for (const name of report.unknownApplied) {
        process.stdout.write(
          `warning: ${name} is applied in the database but unknown to this build\n`,
        );
      }
      process.stdout.write(
        `database is up to date (${report.applied.length} applied now, ${report.alreadyApplied} before)\n`,
      );
    });
}
