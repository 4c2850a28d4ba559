import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { AccountsSetup } from '../../src/accounts/accounts-setup';
import { LinkedAccounts } from '../../src/accounts/linked-accounts';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import type { ApiKeyScope } from '../../src/partners/api-key';
import { PartnerStore } from '../../src/partners/partner.store';
import { RunningService, startService } from '../support/app';
import { validateAgainstAsyncApi } from '../support/asyncapi-contract';
import {
  accountLinkingEnv,
  createAccountLink,
  followRedirect as follow,
  linkThroughService,
  OAUTH_CLIENT,
  signIn,
} from '../support/account-links';
import { eventually } from '../support/eventually';
import { callService } from '../support/service-api';
import { IngestRig, startIngestRig } from '../support/ingest';
import { readTopic } from '../support/kafka-reader';
import { metricValue } from '../support/metrics-scrape';
import { requireServices } from '../support/services';
import { sql } from '../support/sql';

const { kafkaBrokers } = requireServices();
const HOST = 'shelly-103-eu.shelly.cloud';
const CLIENT_ID = OAUTH_CLIENT.clientId;
const TOKEN_LIFETIME_S = 6;
const [ALICE, BOB, CAROL] = [6550, 6551, 6552];

/**
 * Stands between the service and the simulator's hosts, recording every request path and body, so
 * a test can tell which hosts the service sent a code or token to, and what it asked.
 */
async function startRecorder(): Promise<{
  url: string;
  paths: string[];
  forms: URLSearchParams[];
  target: string;
  /** How long each answer is held back. */
  delayMs: number;
  stop(): Promise<void>;
}> {
  const recorder = {
    url: '',
    paths: [] as string[],
    forms: [] as URLSearchParams[],
    target: '',
    delayMs: 0,
    stop: () => Promise.resolve(),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorder.paths.push(request.url ?? '');
      recorder.forms.push(new URLSearchParams(Buffer.concat(chunks).toString()));
      void setTimeout(recorder.delayMs)
        .then(() =>
          fetch(`${recorder.target}${request.url}`, {
            method: request.method,
            headers: { 'content-type': request.headers['content-type'] ?? 'text/plain' },
            body: request.method === 'GET' ? undefined : Buffer.concat(chunks),
          }),
        )
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  recorder.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return recorder;
}

/** An unsigned JWT: the service reads codes without verifying them, as only Shelly can. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('linked Shelly accounts through OAuth', () => {
  let rig: IngestRig;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const keys = {} as Record<'acmeControl' | 'acmeRead' | 'brightControl' | 'admin', string>;

  beforeAll(async () => {
    recorder = await startRecorder();
    rig = await startIngestRig({
      simulator: {
        hosts: [HOST],
        fleet: { devices: [{ model: 'SHSW-1', host: HOST }] },
        accounts: [ALICE, BOB, CAROL].map((userId) => ({ userId, devices: [] })),
        oauthClients: [OAUTH_CLIENT],
        accessTokenLifetimeSeconds: TOKEN_LIFETIME_S,
      },
      env: {
        ...accountLinkingEnv(),
        SHELLY_OAUTH_API_URL_TEMPLATE: `${recorder.url}/{host}`,
        ACCOUNT_RENEWAL_CHECK_MS: '200',
      },
    });
    recorder.target = rig.sim.url;
    const partners = rig.service.app.get(PartnerStore);
    await partners.create('acme', 'Acme Energy');
    await partners.create('bright', 'BrightBuild');
    const issue = async (partnerId: string, scopes: ApiKeyScope[]) =>
      (
        await rig.service.app
          .get(ApiKeyStore)
          .create(`${partnerId} ${scopes.join(',')}`, scopes, { partnerId })
      ).key;
    keys.acmeControl = await issue('acme', ['read', 'control']);
    keys.acmeRead = await issue('acme', ['read']);
    keys.brightControl = await issue('bright', ['read', 'control']);
    keys.admin = (
      await rig.service.app.get(ApiKeyStore).create('admin', ['admin'], { partnerId: null })
    ).key;
  });

  afterAll(async () => {
    await rig?.stop();
    await recorder?.stop();
  });

  const call = (method: string, path: string, key: string | null, body?: unknown) =>
    callService(rig.service.url, method, path, key, body);
  const createLink = (key: string, scope: 'read' | 'control') =>
    createAccountLink(rig.service.url, key, scope);
  const link = (key: string, scope: 'read' | 'control', userId: number) =>
    linkThroughService(rig.service.url, key, scope, userId);

  it("links a user's account through Shelly's login page, keeping the token sealed and announcing it", async () => {
    const url = new URL(await createLink(keys.acmeControl, 'control'));
    expect(`${url.origin}${url.pathname}`).toBe(rig.sim.loginUrl);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(
      `${rig.service.url}/v1/accounts/oauth/callback`,
    );

    const answer = await follow(await signIn(url.toString(), ALICE));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'linked',
      account: {
        partnerId: 'acme',
        shellyUserId: ALICE,
        apiHost: HOST,
        scope: 'control',
        status: 'active',
      },
    });
    expect(answer.text).not.toContain('eyJ');
    const id = (answer.body.account as { id: string }).id;
    const token = await rig.service.app.get(LinkedAccounts).accessToken(id);
    expect(JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString())).toMatchObject({
      user_id: String(ALICE),
      from: CLIENT_ID,
    });
    const { rows } = await sql<{ access_token: string }>(
      rig.service.databaseUrl,
      'SELECT access_token FROM linked_account WHERE id = $1',
      [id],
    );
    expect(rows[0].access_token.startsWith('v1.k1.')).toBe(true);
    expect(rows[0].access_token).not.toContain(token!.split('.')[1]);
    expect(recorder.paths).toContain(`/${HOST}/oauth/auth`);

    const events = await readTopic(kafkaBrokers, rig.topics.consent, (messages) =>
      messages.some((message) => message.key === id),
    );
    const event = events.find((message) => message.key === id)!;
    expect(event.headers).toMatchObject({
      ce_type: 'account.linked.v1',
      ce_source: 'urn:shelly-ingest:accounts',
      'partner-id': 'acme',
    });
    expect(event.value).toMatchObject({
      account: { id, userId: ALICE, host: HOST, scope: 'control', status: 'active' },
    });
    expect(JSON.stringify(event.value)).not.toContain('eyJ');
  });

  it('refuses a state used before, and links nothing more', async () => {
    const redirect = await signIn(await createLink(keys.acmeRead, 'read'), BOB);
    expect((await follow(redirect)).status).toBe(200);
    const before = recorder.paths.length;

    const replay = await follow(redirect);

    expect([replay.status, replay.body.code]).toEqual([400, 'account_link_invalid']);
    expect(recorder.paths.length).toBe(before);
  });

  it('refuses a state altered to name another partner, and one past its 10 minutes', async () => {
    const redirect = new URL(await signIn(await createLink(keys.acmeRead, 'read'), CAROL));
    const [payload, signature] = redirect.searchParams.get('state')!.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { p: string };
    const forged = Buffer.from(JSON.stringify({ ...claims, p: 'bright' })).toString('base64url');
    redirect.searchParams.set('state', `${forged}.${signature}`);
    const altered = await follow(redirect.toString());
    expect([altered.status, altered.body.code]).toEqual([400, 'account_link_invalid']);

    const { signer } = rig.service.app.get(AccountsSetup);
    const expired = signer.issue('acme', 'read', new Date(Date.now() - 1));
    redirect.searchParams.set('state', expired.state);
    const late = await follow(redirect.toString());
    expect([late.status, late.body.code]).toEqual([400, 'account_link_expired']);
    expect((await call('GET', '/v1/accounts', keys.acmeRead)).text).not.toContain(
      `"shellyUserId":${CAROL}`,
    );
  });

  it('refuses a code whose user_api_url is not a Shelly host, without sending it anywhere', async () => {
    const redirect = new URL(await signIn(await createLink(keys.acmeRead, 'read'), CAROL));
    const forged = unsignedJwt({
      sub: CLIENT_ID,
      user_id: String(CAROL),
      user_api_url: 'https://collector.attacker.example',
    });
    redirect.searchParams.set('code', forged);
    const before = recorder.paths.length;

    const answer = await follow(redirect.toString());

    expect([answer.status, answer.body.code]).toEqual([403, 'host_not_allowed']);
    expect(recorder.paths.length).toBe(before);
    expect(recorder.paths.some((path) => path.includes('attacker'))).toBe(false);
  });

  it('needs a key with control to link with control, and admin keys to name the partner', async () => {
    const readOnly = await call('POST', '/v1/accounts/links', keys.acmeRead, { scope: 'control' });
    expect([readOnly.status, readOnly.body.code]).toEqual([403, 'api_key_scope_missing']);

    const unnamed = await call('POST', '/v1/accounts/links', keys.admin, { scope: 'read' });
    expect([unnamed.status, unnamed.body.code]).toEqual([400, 'invalid_body']);
    const named = await call('POST', '/v1/accounts/links', keys.admin, {
      scope: 'read',
      partnerId: 'bright',
    });
    expect([named.status, named.body.partnerId]).toEqual([201, 'bright']);
    const foreign = await call('POST', '/v1/accounts/links', keys.acmeRead, {
      scope: 'read',
      partnerId: 'bright',
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'partner_not_found']);
  });

  it("shows a partner its own accounts only: another partner's is not found", async () => {
    const mine = (await call('GET', '/v1/accounts', keys.acmeRead)).body.accounts as {
      id: string;
    }[];
    expect(mine.length).toBeGreaterThan(0);
    const [first] = mine;
    expect((await call('GET', '/v1/accounts', keys.brightControl)).body.accounts).toEqual([]);
    for (const method of ['GET', 'DELETE']) {
      const answer = await call(method, `/v1/accounts/${first.id}`, keys.brightControl);
      expect([method, answer.status, answer.body.code]).toEqual([method, 404, 'account_not_found']);
    }
    expect((await call('GET', `/v1/accounts/${first.id}`, keys.acmeRead)).status).toBe(200);
  });

  it('renews the access token before it expires, so the account stays active past its first expiry', async () => {
    const linked = await link(keys.brightControl, 'control', ALICE);
    const account = linked.body.account as { id: string; tokenExpiresAt: string };
    const firstExpiry = new Date(account.tokenExpiresAt).getTime();

    await eventually(async () => {
      expect(Date.now()).toBeGreaterThan(firstExpiry + 500);
      const shown = await call('GET', `/v1/accounts/${account.id}`, keys.brightControl);
      expect(shown.body.status).toBe('active');
      expect(new Date(shown.body.tokenExpiresAt as string).getTime()).toBeGreaterThan(firstExpiry);
    }, 15_000);
    const token = await rig.service.app.get(LinkedAccounts).accessToken(account.id);
    const status = await fetch(`${rig.sim.cloudUrl(HOST)}/device/all_status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.status).toBe(200);
    expect(
      await metricValue(
        rig.service.managementUrl,
        'shelly_ingest_account_token_renewals_total',
        'outcome="renewed"',
      ),
    ).toBeGreaterThan(0);
  });

  it('unlinks an account: the token is deleted and account.unlinked announced', async () => {
    const linked = await link(keys.brightControl, 'read', BOB);
    const id = (linked.body.account as { id: string }).id;

    const answer = await call('DELETE', `/v1/accounts/${id}`, keys.brightControl);

    expect([answer.status, answer.body.id]).toEqual([200, id]);
    const { rows } = await sql(
      rig.service.databaseUrl,
      'SELECT 1 FROM linked_account WHERE id = $1',
      [id],
    );
    expect(rows).toEqual([]);
    expect(await rig.service.app.get(LinkedAccounts).accessToken(id)).toBeNull();
    expect((await call('GET', `/v1/accounts/${id}`, keys.brightControl)).status).toBe(404);
    const events = await readTopic(kafkaBrokers, rig.topics.consent, (messages) =>
      messages.some(
        (message) => message.key === id && message.headers.ce_type === 'account.unlinked.v1',
      ),
    );
    expect(
      events.filter((message) => message.key === id).map((message) => message.headers.ce_type),
    ).toEqual(['account.linked.v1', 'account.unlinked.v1']);
  });

  it('renews each token on one replica only, with two replicas running their passes', async () => {
    // Tokens of one Shelly user issued in the same second are alike, so each account here is
    // another user's: a token renewed twice then means two replicas claimed the same renewal.
    const listed = await call('GET', '/v1/accounts', keys.admin);
    for (const { id } of listed.body.accounts as { id: string }[]) {
      expect((await call('DELETE', `/v1/accounts/${id}`, keys.admin)).status).toBe(200);
    }
    const users = [ALICE, BOB, CAROL];
    for (const user of users) expect((await link(keys.acmeControl, 'read', user)).status).toBe(200);
    const replica = await rig.startReplica();
    // Renewals that take longer than a pass interval: the other replica's passes run meanwhile.
    recorder.delayMs = 300;
    try {
      const renewals = () =>
        recorder.forms
          .filter((form) => form.get('grant_type') === 'refresh_token')
          .map((form) => form.get('refresh_token'));
      const before = renewals().length;

      await eventually(
        () => expect(renewals().length - before).toBeGreaterThanOrEqual(2 * users.length),
        30_000,
      );

      const renewed = renewals().slice(before);
      expect(new Set(renewed).size).toBe(renewed.length);
      expect(rig.service.app.get(LinkedAccounts).active()).toHaveLength(users.length);
      expect(
        await metricValue(
          replica.managementUrl,
          'shelly_ingest_account_token_renewals_total',
          'outcome="renewed"',
        ),
      ).toBeGreaterThan(0);
    } finally {
      recorder.delayMs = 0;
      await replica.stop();
    }
  });

  it('marks every account relink_required when Shelly refuses to renew, with an event and a metric', async () => {
    const active = rig.service.app.get(LinkedAccounts).active();
    expect(active.length).toBeGreaterThan(0);
    const changes: string[] = [];
    rig.service.app
      .get(LinkedAccounts)
      .onChange((accountId, now) => changes.push(`${now ? 'active' : 'inactive'} ${accountId}`));

    rig.sim.faults.refuseTokenRenewal(true);

    await eventually(
      () => expect(rig.service.app.get(LinkedAccounts).active()).toEqual([]),
      15_000,
    );
    expect(changes.sort()).toEqual(active.map((account) => `inactive ${account.id}`).sort());
    for (const account of active) {
      expect(await rig.service.app.get(LinkedAccounts).accessToken(account.id)).toBeNull();
      const shown = await call('GET', `/v1/accounts/${account.id}`, keys.admin);
      expect(shown.body).toMatchObject({ status: 'relink_required', tokenExpiresAt: null });
    }
    const messages = await readTopic(
      kafkaBrokers,
      rig.topics.consent,
      (read) =>
        read.some((message) => message.headers.ce_type === 'account.unlinked.v1') &&
        active.every((account) =>
          read.some(
            (message) =>
              message.key === account.id &&
              message.headers.ce_type === 'account.relink_required.v1',
          ),
        ),
    );
    expect(
      messages.find((message) => message.headers.ce_type === 'account.relink_required.v1')?.value,
    ).toMatchObject({ reason: 'renewal_refused', account: { status: 'relink_required' } });
    const accountEvents = messages.filter((message) =>
      message.headers.ce_type?.startsWith('account.'),
    );
    expect(new Set(accountEvents.map((message) => message.headers.ce_type))).toEqual(
      new Set(['account.linked.v1', 'account.unlinked.v1', 'account.relink_required.v1']),
    );
    expect(
      accountEvents.map((message) => validateAgainstAsyncApi(rig.topics.consent, message)),
    ).toEqual(accountEvents.map(() => []));
    expect(
      await metricValue(
        rig.service.managementUrl,
        'shelly_ingest_account_token_renewals_total',
        'outcome="refused"',
      ),
    ).toBe(active.length);
    await eventually(async () => {
      expect(
        await metricValue(
          rig.service.managementUrl,
          'shelly_ingest_accounts',
          'status="relink_required"',
        ),
      ).toBe(active.length);
    }, 5_000);

    // A fresh code's first exchange still works: the user links again, and the account is active.
    const relinked = await link(keys.acmeControl, 'control', ALICE);
    const alice = active.find(
      (account) => account.shellyUserId === ALICE && account.partnerId === 'acme',
    );
    expect(relinked.body.account).toMatchObject({ id: alice?.id, status: 'active' });
    rig.sim.faults.refuseTokenRenewal(false);
  });
});

describe('linked accounts without an OAuth client id', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(() => service?.stop());

  it('starts, and answers links and redirects with 503 accounts_not_configured', async () => {
    const key = (await service.app.get(ApiKeyStore).create('admin', ['admin'], { partnerId: null }))
      .key;
    const link = await fetch(`${service.url}/v1/accounts/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'read', partnerId: 'default' }),
    });
    const redirect = await fetch(`${service.url}/v1/accounts/oauth/callback?code=x&state=y`);
    for (const answer of [link, redirect]) {
      expect([answer.status, ((await answer.json()) as { code: string }).code]).toEqual([
        503,
        'accounts_not_configured',
      ]);
    }
    const list = await fetch(`${service.url}/v1/accounts`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await list.json()).toEqual({ accounts: [] });
  });
});
