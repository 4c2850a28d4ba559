import { createHash } from 'node:crypto';
import { DomainError } from '../../src/common';
import { parseConsentCallback } from '../../src/consent/consent';
import { AppliedConsentChange, ConsentStore } from '../../src/consent/consent.store';
import { TrustVerification } from '../../src/consent/scl-trust.verifier';
import { OutboxRelay, TopicRouter } from '../../src/publish';
import { RunningService, startService } from '../support/app';
import { CallbackBody, callbackBody, callbackPublicKeyPem } from '../support/consent-callbacks';
import { sql } from '../support/sql';

/**
 * Callbacks that arrive while a commit is in flight are applied together in one transaction
 * (ConsentStore.apply, GroupCommit), on a real Postgres. The store is called directly, with
 * verifications made here, so that which callbacks share a group is certain: the first one submitted
 * starts a transaction at once, and all submitted while it runs form the next group.
 */
describe('consent callbacks committed in groups', () => {
  let service: RunningService;
  let store: ConsentStore;
  let topics: TopicRouter;
  let groups: number[];
  let nextDevice = 0x7f0000000000;
  let nextToken = 0;

  beforeAll(async () => {
    service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
    // Stopped so that the outbox rows stay to be looked at.
    await service.app.get(OutboxRelay).onModuleDestroy();
    store = service.app.get(ConsentStore);
    topics = service.app.get(TopicRouter);
    const applyGroup = (store as unknown as { applyGroup: (...args: unknown[]) => unknown })
      .applyGroup;
    jest
      .spyOn(store as unknown as { applyGroup: (...args: unknown[]) => unknown }, 'applyGroup')
      .mockImplementation(function (this: ConsentStore, ...args: unknown[]) {
        groups.push((args[1] as unknown[]).length);
        return applyGroup.apply(this, args);
      });
  });

  afterAll(async () => {
    await service.stop();
  });

  beforeEach(() => {
    groups = [];
  });

  /** A fresh device, as the hex id the store uses and the decimal id of the callback body. */
  function device(): { hex: string; decimal: string } {
    const id = nextDevice++;
    return { hex: id.toString(16), decimal: String(id) };
  }

  function verification(deviceHex: string, token = `token-${nextToken++}`): TrustVerification {
    const now = Date.now();
    return {
      algorithm: 'ES384',
      integratorTag: 'ITG_TEST',
      deviceId: deviceHex,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 120_000).toISOString(),
      tokenHash: createHash('sha256').update(token).digest('hex'),
    };
  }

  /**
   * Submits a callback as the HTTP handler would after verifying it; `rawBody`, the body as
   * received, may differ from the one parsed (to make one write fail).
   */
  function apply(
    deviceHex: string,
    body: Partial<CallbackBody>,
    options: { verification?: TrustVerification; rawBody?: unknown } = {},
  ): Promise<AppliedConsentChange> {
    const callback = parseConsentCallback(callbackBody(body), 'default', deviceHex);
    return store.apply(callback, {
      rawBody: options.rawBody ?? callbackBody(body),
      verification: options.verification ?? verification(deviceHex),
      topics,
    });
  }

  /** Starts a transaction of its own, so that everything submitted next waits and forms one group. */
  function blocker(): Promise<AppliedConsentChange> {
    const { hex, decimal } = device();
    return apply(hex, { deviceId: decimal });
  }

  async function historyOf(deviceHex: string): Promise<string[]> {
    const { rows } = await sql<{ change: string }>(
      service.databaseUrl,
      'SELECT change FROM consent_history WHERE device_id = $1 ORDER BY id',
      [deviceHex],
    );
    return rows.map((row) => row.change);
  }

  async function outboxOf(deviceHex: string): Promise<string[]> {
    const { rows } = await sql<{ event_type: string }>(
      service.databaseUrl,
      'SELECT event_type FROM outbox_event WHERE key = $1 ORDER BY id',
      [deviceHex],
    );
    return rows.map((row) => row.event_type);
  }

  async function versionOf(deviceHex: string): Promise<number | null> {
    const { rows } = await sql<{ version: string }>(
      service.databaseUrl,
      'SELECT version FROM device_consent WHERE device_id = $1',
      [deviceHex],
    );
    return rows[0] ? Number(rows[0].version) : null;
  }

  it('applies many concurrent callbacks for different devices, a few transactions for all', async () => {
    const devices = Array.from({ length: 40 }, device);
    const applied = await Promise.all(
      devices.map(({ hex, decimal }) => apply(hex, { deviceId: decimal })),
    );

    expect(applied.map((a) => a.change)).toEqual(devices.map(() => 'granted'));
    const versions = applied.map((a) => a.version as number);
    expect(new Set(versions).size).toBe(devices.length);
    // The first callback went alone; the others queued behind it and shared the next transaction.
    expect(groups).toEqual([1, 39]);
    for (const [i, { hex }] of devices.entries()) {
      expect(await versionOf(hex)).toBe(versions[i]);
      expect(await historyOf(hex)).toEqual(['granted']);
      expect(await outboxOf(hex)).toEqual(['consent.granted.v1']);
      expect(applied[i].consent).toMatchObject({ deviceId: hex, scope: 'control' });
    }
    const { rows } = await sql<{ n: string }>(
      service.databaseUrl,
      'SELECT count(*) AS n FROM consent_callback_token WHERE device_id = ANY($1::text[])',
      [devices.map((d) => d.hex)],
    );
    expect(Number(rows[0].n)).toBe(devices.length);
  });

  it('applies two callbacks for one device in one group in order: add then remove', async () => {
    const { hex, decimal } = device();
    const first = blocker();
    const [add, remove] = await Promise.all([
      apply(hex, { deviceId: decimal, action: 'add' }),
      apply(hex, { deviceId: decimal, action: 'remove' }),
    ]);
    await first;

    expect(groups).toEqual([1, 2]);
    expect(add.change).toBe('granted');
    expect(remove).toEqual({ change: 'revoked', consent: null, version: expect.any(Number) });
    expect(remove.version as number).toBeGreaterThan(add.version as number);
    expect(await versionOf(hex)).toBeNull();
    expect(await historyOf(hex)).toEqual(['granted', 'revoked']);
    expect(await outboxOf(hex)).toEqual(['consent.granted.v1', 'consent.revoked.v1']);
  });

  it('does not fail or lose the others of a group when one callback fails in the database', async () => {
    const [before, bad, after] = [device(), device(), device()];
    const first = blocker();
    const results = await Promise.allSettled([
      apply(before.hex, { deviceId: before.decimal }),
      // Postgres refuses a NUL character in the history's JSON (the HTTP path refuses such a body
      // before): this one's write fails.
      apply(bad.hex, { deviceId: bad.decimal }, { rawBody: { note: 'a\u0000b' } }),
      apply(after.hex, { deviceId: after.decimal }),
    ]);
    await first;

    // The group failed as a whole, and each of its callbacks was then tried alone.
    expect(groups).toEqual([1, 3, 1, 1, 1]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { change: 'granted' } });
    expect(results[1]).toMatchObject({ status: 'rejected' });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { change: 'granted' } });
    expect(await historyOf(before.hex)).toEqual(['granted']);
    expect(await historyOf(after.hex)).toEqual(['granted']);
    expect(await historyOf(bad.hex)).toEqual([]);
    expect(await versionOf(bad.hex)).toBeNull();
    expect(await outboxOf(before.hex)).toEqual(['consent.granted.v1']);
    expect(await outboxOf(after.hex)).toEqual(['consent.granted.v1']);
  });

  it('detects a token replayed inside the same group, and still applies the rest', async () => {
    const [repeated, reused, other] = [device(), device(), device()];
    const repeatedToken = verification(repeated.hex);
    const reusedToken = verification(reused.hex);
    const first = blocker();
    const results = await Promise.allSettled([
      apply(repeated.hex, { deviceId: repeated.decimal }, { verification: repeatedToken }),
      // Shelly's retry: the same token with the same body is answered as already done.
      apply(repeated.hex, { deviceId: repeated.decimal }, { verification: repeatedToken }),
      apply(reused.hex, { deviceId: reused.decimal }, { verification: reusedToken }),
      // The same token with another body: refused.
      apply(
        reused.hex,
        { deviceId: reused.decimal, action: 'remove' },
        { verification: reusedToken },
      ),
      apply(other.hex, { deviceId: other.decimal }),
    ]);
    await first;

    expect(groups).toEqual([1, 5]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.change : 'rejected'))).toEqual([
      'granted',
      'unchanged',
      'granted',
      'rejected',
      'granted',
    ]);
    const refusal = (results[3] as PromiseRejectedResult).reason as DomainError;
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal.code).toBe('trust_token_reused');
    expect(await historyOf(repeated.hex)).toEqual(['granted']);
    expect(await historyOf(reused.hex)).toEqual(['granted']);
    expect(await versionOf(reused.hex)).not.toBeNull();
    expect(await historyOf(other.hex)).toEqual(['granted']);
  });

  it('refuses in a later group a token accepted in an earlier one', async () => {
    const { hex, decimal } = device();
    const token = verification(hex);
    expect((await apply(hex, { deviceId: decimal }, { verification: token })).change).toBe(
      'granted',
    );
    await expect(
      apply(hex, { deviceId: decimal, action: 'remove' }, { verification: token }),
    ).rejects.toMatchObject({ code: 'trust_token_reused' });
    expect(await historyOf(hex)).toEqual(['granted']);
  });
});
