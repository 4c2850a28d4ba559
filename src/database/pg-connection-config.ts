import type { ClientConfig } from 'pg';
import type { DatabaseConfig } from '../config';

/**
 * How much longer than the statement timeout the client waits for an answer. Postgres cancels a
 * long statement itself and the connection stays usable; the client's own limit is for a database
 * that does not answer at all (a dead host, a lost network), so it must not fire first.
 */
const UNANSWERED_GRACE_MS = 1_000;

/** The settings of every connection the service makes, except the migrator's: URL and timeouts. */
export function pgConnectionConfig(config: DatabaseConfig): ClientConfig {
  return {
    connectionString: config.url,
    connectionTimeoutMillis: config.connectTimeoutMs,
    statement_timeout: config.statementTimeoutMs,
    query_timeout: config.statementTimeoutMs + UNANSWERED_GRACE_MS,
    idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs,
  };
}
