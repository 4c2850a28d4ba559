import { DatabaseError } from 'pg';
import { Prisma } from '../generated/prisma/client';
import { isDatabaseUnavailable } from './database-unavailable';
import { DomainError } from './domain-error';

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), {
    code,
    errno: -111,
    syscall: 'connect',
  });
}

function postgresError(code: string, message: string): DatabaseError {
  return Object.assign(new DatabaseError(message, 100, 'error'), { code, severity: 'ERROR' });
}

/** A Prisma error as the pg adapter leaves it: the driver's failure in `meta.driverAdapterError`. */
function prismaError(code: string, adapterCause: Record<string, unknown>): Error {
  const driverAdapterError = Object.assign(new Error(String(adapterCause.kind)), {
    name: 'DriverAdapterError',
    cause: adapterCause,
  });
  return new Prisma.PrismaClientKnownRequestError(
    'Invalid `prisma.partner.findMany()` invocation',
    {
      code,
      clientVersion: '7.10.0',
      meta: { driverAdapterError },
    },
  );
}

const sqlFailure = (code: string, message: string) => ({
  kind: 'postgres',
  code,
  originalCode: code,
  message,
  originalMessage: message,
  severity: 'ERROR',
});

describe('telling an unavailable database from a refused statement', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a connection reset', socketError('ECONNRESET')],
    ['a network timeout', socketError('ETIMEDOUT')],
    ['an unknown database host', socketError('ENOTFOUND')],
    ['a write to a closed socket', socketError('EPIPE')],
    ['the pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'the client connect timeout',
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a query on a connection lost before',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a query the database never answered', new Error('Query read timeout')],
    [
      'the statement timeout',
      postgresError('57014', 'canceling statement due to statement timeout'),
    ],
    [
      'an admin shutdown',
      postgresError('57P01', 'terminating connection due to administrator command'),
    ],
    [
      'a crash shutdown',
      postgresError('57P02', 'terminating connection due to crash of another server process'),
    ],
    ['a database starting up', postgresError('57P03', 'the database system is starting up')],
    ['a connection failure', postgresError('08006', 'connection failure')],
    [
      'a refused connection establishment',
      postgresError('08001', 'could not establish connection'),
    ],
    ['Prisma: cannot reach the database', prismaError('P1001', { kind: 'DatabaseNotReachable' })],
    ['Prisma: timed out connecting', prismaError('P1002', { kind: 'SocketTimeout' })],
    ['Prisma: operation timed out', prismaError('P1008', { kind: 'SocketTimeout' })],
    [
      'Prisma: the server closed the connection',
      prismaError('P1017', { kind: 'ConnectionClosed' }),
    ],
    [
      'Prisma: a statement timeout',
      prismaError('P2039', sqlFailure('57014', 'canceling statement due to statement timeout')),
    ],
    [
      'Prisma: could not start',
      new Prisma.PrismaClientInitializationError("Can't reach database server", '7.10.0'),
    ],
  ])('%s is the database being unavailable', (_scenario, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a unique violation',
      postgresError('23505', 'duplicate key value violates unique constraint'),
    ],
    ['a syntax error', postgresError('42601', 'syntax error at or near "SELEC"')],
    [
      'Prisma: a unique violation',
      prismaError('P2002', { kind: 'UniqueConstraintViolation', originalCode: '23505' }),
    ],
    [
      'Prisma: a foreign key violation',
      prismaError('P2003', { kind: 'ForeignKeyConstraintViolation', originalCode: '23503' }),
    ],
    [
      "Prisma: a raw query's syntax error",
      prismaError('P2010', sqlFailure('42601', 'syntax error')),
    ],
    ['a domain error', new DomainError('partner_exists', 'partner acme exists')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('%s is not', (_scenario, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
