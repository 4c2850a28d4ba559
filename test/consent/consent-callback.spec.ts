import { ApiKeyStore } from '../../src/partners/api-key.store';
import { PartnerStore } from '../../src/partners/partner.store';
import { ConsentCache } from '../../src/consent/consent-cache';
import { startService, RunningService } from '../support/app';
import { callbackBody, callbackPublicKeyPem, sendCallback } from '../support/consent-callbacks';
import { readTopic } from '../support/kafka-reader';

interface ConsentView {
  consent: Record<string, unknown> | null;
  history: { change: string; scope: string | null }[];
}

describe('consent callback on real Postgres and Kafka', () => {
  let service: RunningService;
  let callbackUrl: string;
  let adminKey: string;

  beforeAll(async () => {
    service = await startService({ SHELLY_CONSENT_PUBLIC_KEY: callbackPublicKeyPem });
    callbackUrl = `${service.url}/v1/shelly/consent`;
    adminKey = (await service.app.get(ApiKeyStore).create('ops', ['admin'])).key;
  });

  afterAll(async () => {
    await service.stop();
  });

  const send = (overrides: Parameters<typeof callbackBody>[0] = {}) =>
    sendCallback(callbackUrl, 'ITG_TEST', callbackBody(overrides));

  async function consentOf(deviceId: string): Promise<{ status: number; body: ConsentView }> {
    const response = await fetch(`${service.url}/v1/consents/${deviceId}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    return { status: response.status, body: (await response.json()) as ConsentView };
  }

  it('stores an add with control scope, lists it, and publishes consent.granted', async () => {
    const answer = await send({ deviceId: '224830197357981' });
    expect(answer).toEqual({ status: 200, body: { status: 'ok', change: 'granted' } });

    const { body } = await consentOf('cc7b5c0c5d9d');
    expect(body.consent).toMatchObject({
      deviceId: 'cc7b5c0c5d9d',
      ownerUserId: 48213,
      scope: 'control',
      host: 'shelly-103-eu.shelly.cloud',
      channelNames: ['Kitchen light', 'Hall light'],
    });
    expect(body.history).toHaveLength(1);
    expect(body.history[0]).toMatchObject({
      change: 'granted',
      scope: 'control',
      callback: callbackBody({ deviceId: '224830197357981' }),
      verification: { algorithm: 'ES384', integratorTag: 'ITG_TEST', deviceId: 'cc7b5c0c5d9d' },
    });
    expect(service.app.get(ConsentCache).get('cc7b5c0c5d9d')?.scope).toBe('control');

    const messages = await readTopic(
      service.config.kafka.brokers.join(','),
      service.config.kafka.topics.consent,
      (m) => m.some((x) => x.key === 'cc7b5c0c5d9d'),
    );
    const event = messages.find((m) => m.key === 'cc7b5c0c5d9d');
    expect(event?.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_source: 'urn:shelly-ingest:consent-callback',
      ce_type: 'consent.granted.v1',
      ce_subject: 'cc7b5c0c5d9d',
      'content-type': 'application/json',
      'partner-id': 'default',
    });
    expect(event?.value).toMatchObject({
      type: 'consent.granted.v1',
      device: { id: 'cc7b5c0c5d9d', type: 'SHSW-25', code: 'SHSW-25' },
      owner: 48213,
      scope: 'control',
      previousScope: null,
      host: 'shelly-103-eu.shelly.cloud',
    });
    const { id, time } = event?.value as { id: string; time: string };
    expect([event?.headers.ce_id, event?.headers.ce_time]).toEqual([id, time]);
  });

  it('re-adds with a changed scope, keeping when it was first granted, then removes, keeping the whole history', async () => {
    const deviceId = '224830197357982';
    expect((await send({ deviceId, accessGroups: '00' })).body).toMatchObject({
      change: 'granted',
    });
    const granted = (await consentOf('cc7b5c0c5d9e')).body.consent;
    expect((await send({ deviceId, accessGroups: '01' })).body).toMatchObject({
      change: 'scope_changed',
    });
    const changed = (await consentOf('cc7b5c0c5d9e')).body.consent;
    expect(changed).toMatchObject({ scope: 'control', grantedAt: granted?.grantedAt });
    expect(changed?.updatedAt).not.toEqual(granted?.updatedAt);
    const cached = service.app.get(ConsentCache).get('cc7b5c0c5d9e');
    expect(cached?.grantedAt.toISOString()).toBe(changed?.grantedAt);
    expect(cached?.updatedAt.toISOString()).toBe(changed?.updatedAt);
    expect((await send({ deviceId, action: 'remove' })).body).toMatchObject({ change: 'revoked' });

    const { body } = await consentOf('cc7b5c0c5d9e');
    expect(body.consent).toBeNull();
    expect(
      body.history.map((h: { change: string; scope: string | null }) => [h.change, h.scope]),
    ).toEqual([
      ['granted', 'read'],
      ['scope_changed', 'control'],
      ['revoked', null],
    ]);
    expect(service.app.get(ConsentCache).get('cc7b5c0c5d9e')).toBeUndefined();

    const messages = await readTopic(
      service.config.kafka.brokers.join(','),
      service.config.kafka.topics.consent,
      (m) => m.filter((x) => x.key === 'cc7b5c0c5d9e').length >= 3,
    );
    expect(messages.filter((m) => m.key === 'cc7b5c0c5d9e').map((m) => m.headers.ce_type)).toEqual([
      'consent.granted.v1',
      'consent.scope_changed.v1',
      'consent.revoked.v1',
    ]);
  });

  it('answers a repeated delivery with 200 and changes nothing', async () => {
    const deviceId = '224830197357983';
    await send({ deviceId });
    const historyBefore = (await consentOf('cc7b5c0c5d9f')).body.history.length;
    expect(await send({ deviceId })).toEqual({
      status: 200,
      body: { status: 'ok', change: 'unchanged' },
    });
    expect(await send({ deviceId })).toEqual({
      status: 200,
      body: { status: 'ok', change: 'unchanged' },
    });
    expect((await consentOf('cc7b5c0c5d9f')).body.history).toHaveLength(historyBefore);
  });

  it('refuses a body that is not valid consent as invalid_body', async () => {
    const answer = await send({ deviceId: '79530338915102', action: 'pause' as 'add' });
    expect(answer).toMatchObject({ status: 400, body: { code: 'invalid_body' } });
  });

  it('refuses malformed JSON with invalid_json', async () => {
    const response = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'scl-trust': 'x' },
      body: '{"userId": 1,',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_json' });
  });

  it('refuses an oversized body with payload_too_large', async () => {
    const response = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'scl-trust': 'x' },
      body: JSON.stringify(callbackBody({ name: [Array(20_000).fill('x').join('')] })),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('lists consents filtered by user, host and scope for an admin key, and only its own partner’s for a partner key', async () => {
    await send({
      deviceId: '79530338915200',
      userId: 777,
      accessGroups: '00',
      host: 'shelly-77-eu.shelly.cloud',
    });
    await send({
      deviceId: '79530338915201',
      userId: 777,
      accessGroups: '01',
      host: 'shelly-77-eu.shelly.cloud',
    });
    const list = async (query: string, key = adminKey) => {
      const response = await fetch(`${service.url}/v1/consents?${query}`, {
        headers: { 'x-api-key': key },
      });
      return {
        status: response.status,
        body: (await response.json()) as { consents: { deviceId: string }[] },
      };
    };
    expect((await list('user=777')).body.consents).toHaveLength(2);
    expect((await list('user=777&scope=read')).body.consents.map((c) => c.deviceId)).toEqual([
      '485519999380',
    ]);
    expect((await list('host=shelly-77-eu.shelly.cloud&scope=control')).body.consents).toHaveLength(
      1,
    );
    expect(await list('scope=owner')).toMatchObject({
      status: 400,
      body: { code: 'invalid_body' },
    });
    const keys = service.app.get(ApiKeyStore);
    const defaultKey = (await keys.create('default', ['read'], { partnerId: 'default' })).key;
    expect((await list('user=777', defaultKey)).body.consents).toHaveLength(2);
    await service.app.get(PartnerStore).create('other', 'Another partner');
    const otherKey = (await keys.create('other', ['read'], { partnerId: 'other' })).key;
    expect(await list('user=777', otherKey)).toMatchObject({ status: 200, body: { consents: [] } });
    expect(await list('partner=default', otherKey)).toMatchObject({
      status: 200,
      body: { consents: [] },
    });
    expect(await list('user=777', 'sik_nonexistent')).toMatchObject({
      status: 401,
      body: { code: 'api_key_invalid' },
    });
  });
});
