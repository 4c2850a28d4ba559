import { ShellySimulator } from '../../src/simulator/simulator.server';
import { Frame } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';
const OTHER_HOST = 'shelly-77-eu.shelly.cloud';

describe('integrator-initiated unsubscribe', () => {
  let simulator: ShellySimulator;

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST, OTHER_HOST],
      fleet: { devices: [{ model: 'SHSW-25', id: 'cc7b5c0c5d9c', host: HOST }] },
    });
    await simulator.grantConsent('cc7b5c0c5d9c', { userId: 48213 });
  });
  afterEach(() => simulator.stop());

  async function unsubscribe(host: string, id: string, token?: string) {
    const response = await fetch(simulator.unsubscribeUrlTemplate.replace('{host}', host), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: new URLSearchParams({ id }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Frame };
  }

  it('drops the consent of the device on its host', async () => {
    const result = await unsubscribe(HOST, '224830197357980', await simulator.issueToken());

    expect(result).toEqual({ status: 200, body: { isok: true } });
    expect(simulator.consents()).toEqual([]);
  });

  it('refuses a request without a valid integrator token with 401', async () => {
    const result = await unsubscribe(HOST, '224830197357980', 'forged');

    expect(result.status).toBe(401);
    expect(result.body.isok).toBe(false);
    expect(simulator.consents()).toHaveLength(1);
  });

  it('answers isok false for an unknown device and for the wrong host', async () => {
    const token = await simulator.issueToken();

    const unknown = await unsubscribe(HOST, '12133370', token);
    const elsewhere = await unsubscribe(OTHER_HOST, '224830197357980', token);

    expect(unknown.body).toEqual({
      isok: false,
      errors: { device_not_found: 'no integrated device with this id' },
    });
    expect(elsewhere.body).toEqual({ isok: false, errors: { wrong_host: HOST } });
    expect(simulator.consents()).toHaveLength(1);
  });
});
