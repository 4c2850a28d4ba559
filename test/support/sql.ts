import { Client, QueryResult, QueryResultRow } from 'pg';

/** Runs one statement on its own connection, for tests that look into or prepare the database. */
export async function sql<T extends QueryResultRow = QueryResultRow>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<QueryResult<T>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}
