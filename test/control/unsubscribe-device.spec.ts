import { ConsentStore } from '../../src/consent/consent.store';
import { ControlRig, startControlRig } from '../support/control';
import { ReadMessage, readTopic } from '../support/kafka-reader';
import { requireServices } from '../support/services';

const { kafkaBrokers } = requireServices();

describe('a partner unsubscribes a device', () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1', 'SHSW-1'] });
  });

  afterAll(() => rig?.stop());

  it('calls unsubscribe_device at Shelly, revokes the consent here with its event, and reminds the partner to tell the owner', async () => {
    const [device, other] = rig.sim.devices;

    const answer = await rig.call(
      'DELETE',
      `/v1/devices/${device.identity.id}/consent`,
      rig.keys.control,
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ device: device.identity.id, revoked: true });
    expect(answer.body.notice).toMatch(/tell its owner/);
    expect(rig.sim.consents().map((c) => c.deviceId)).toEqual([other.identity.deviceId]);
    expect((await rig.get(`/v1/devices/${device.identity.id}`)).status).toBe(404);
    const history = await rig.service.app.get(ConsentStore).history(device.identity.id);
    expect(history.at(-1)).toMatchObject({
      change: 'revoked',
      verification: { source: 'unsubscribe', apiKeyId: rig.keyIds.control },
    });
    const isRevoke = (m: ReadMessage) =>
      m.key === device.identity.id && (m.value as { type: string }).type === 'consent.revoked.v1';
    const events = await readTopic(kafkaBrokers, rig.topics.consent, (messages) =>
      messages.some(isRevoke),
    );
    expect(events.find(isRevoke)?.headers.ce_source).toBe('urn:shelly-ingest:control-api');
  });

  it('needs the control scope: a read key changes nothing', async () => {
    const [, device] = rig.sim.devices;

    const answer = await rig.call(
      'DELETE',
      `/v1/devices/${device.identity.id}/consent`,
      rig.keys.read,
    );

    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('api_key_scope_missing');
    expect(rig.sim.consents().map((c) => c.deviceId)).toEqual([device.identity.deviceId]);
    expect((await rig.get(`/v1/devices/${device.identity.id}`)).status).toBe(200);
  });
});
