import type { Logger } from 'pino';
import type { PrismaService } from '../database';
import { issueKey } from './api-key';
import { ApiKeyStore } from './api-key.store';

const pepper = 'pepper-0123456789abcdef0123456789abcdef';
const start = new Date('2026-12-02T10:00:00Z').getTime();

/**
 * A store over one stored key row, counting how often it asks the database; `update` stands for the
 * write of `lastUsedAt`.
 */
function storeWithKey(expiresAt: Date | null, update = () => Promise.resolve()) {
  const issued = issueKey(pepper);
  const row = {
    id: issued.id,
    name: 'partner',
    scopes: ['read'],
    secretHash: issued.secretHash,
    createdAt: new Date(start),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt,
  };
  const findUnique = jest.fn(() => Promise.resolve(row));
  const prisma = {
    apiKey: { findUnique, update: jest.fn(update) },
  } as unknown as PrismaService;
  const log = { warn: jest.fn() };
  const store = new ApiKeyStore(prisma, pepper, log as unknown as Logger);
  return { store, plaintext: issued.plaintext, findUnique, log };
}

describe('the verification of keys with an expiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: start }));
  afterEach(() => jest.useRealTimers());

  it('trusts a verified key no longer than until its expiry', async () => {
    const { store, plaintext, findUnique } = storeWithKey(new Date(start + 500));
    await expect(store.authenticate(plaintext)).resolves.toEqual({
      id: expect.any(String),
      scopes: ['read'],
    });

    jest.setSystemTime(start + 600);
    await expect(store.authenticate(plaintext)).resolves.toBe('expired');
    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('keeps trusting a key without expiry for the cache period', async () => {
    const { store, plaintext, findUnique } = storeWithKey(null);
    await store.authenticate(plaintext);
    jest.setSystemTime(start + 1_000);
    await expect(store.authenticate(plaintext)).resolves.toMatchObject({ scopes: ['read'] });
    expect(findUnique).toHaveBeenCalledTimes(1);
  });

  it('refuses a key whose expiry has passed, without caching it', async () => {
    const { store, plaintext, findUnique } = storeWithKey(new Date(start));
    await expect(store.authenticate(plaintext)).resolves.toBe('expired');
    await expect(store.authenticate(plaintext)).resolves.toBe('expired');
    expect(findUnique).toHaveBeenCalledTimes(2);
  });
});

describe('the record of when a key was last used', () => {
  it('does not hold up the verification', async () => {
    const { store, plaintext } = storeWithKey(null, () => new Promise(() => undefined));
    await expect(store.authenticate(plaintext)).resolves.toMatchObject({ scopes: ['read'] });
  });

  it('logs a failed write instead of failing the verification', async () => {
    const failure = new Error('Connection terminated unexpectedly');
    const { store, plaintext, log } = storeWithKey(null, () => Promise.reject(failure));
    await expect(store.authenticate(plaintext)).resolves.toMatchObject({ scopes: ['read'] });
    await Promise.resolve();
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: failure }),
      expect.any(String),
    );
  });
});
