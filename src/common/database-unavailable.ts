/** Socket failures of a connection to the database (the request paths reach no other server by socket). */
const SOCKET_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
]);
/** SQLSTATEs besides class 08 (connection exception): shut down, starting up, statement timeout. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014']);
/**
 * Prisma's codes for: cannot reach, timed out connecting, operation timed out, connection closed. With
 * the pg adapter, a failure of Postgres itself comes as P2010 or P2039 with the driver's error in
 * `meta.driverAdapterError`, which is searched like a cause.
 */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
/**
 * The `pg` driver's own errors: a lost connection, a query on a connection lost before, the connect
 * timeout, an unanswered query.
 */
const PG_UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout)/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/**
 * Whether `error` says the database cannot be reached or did not answer in time, as opposed to a
 * refused statement (a constraint, a syntax error): from `pg`, from Postgres, or wrapped by Prisma.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, cause, meta } = error as ErrorLike;
  return (
    name === 'PrismaClientInitializationError' ||
    (typeof code === 'string' &&
      (SOCKET_ERROR_CODES.has(code) ||
        UNAVAILABLE_SQLSTATES.has(code) ||
        /^08[0-9A-Z]{3}$/.test(code) ||
        PRISMA_UNAVAILABLE_CODES.has(code))) ||
    (typeof message === 'string' && PG_UNAVAILABLE_MESSAGE.test(message)) ||
    isDatabaseUnavailable(cause) ||
    isDatabaseUnavailable(meta?.driverAdapterError)
  );
}
