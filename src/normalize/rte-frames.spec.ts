import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  frameText,
  normalize,
  statusEventOf,
  testContext,
} from '../../test/fixtures/frames/frames';
import { normalizeFrame } from './normalize-frame';

const folder = resolve(__dirname, '../../test/fixtures/frames');
const rteContext = () =>
  testContext({ api: 'rte', host: 'shelly-43-eu.shelly.cloud', account: '6550' });
const rteSource = { api: 'rte', host: 'shelly-43-eu.shelly.cloud', account: '6550' };

function rteEventOf(fixture: string) {
  return statusEventOf(normalizeFrame(frameText(fixture), rteContext()));
}

describe("frames of a linked account's real-time events socket", () => {
  const device = { id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' };

  it('reads a Gen1 status with the device object, the stated generation and model', () => {
    expect(rteEventOf('rte-gen1-shelly25-relay-status')).toEqual({
      type: 'device.status.v1',
      id: 'event-1',
      time: '2025-03-02T10:15:00.000Z',
      partner: null,
      source: rteSource,
      device: { id: 'b923fa', gen: 'G1', model: 'SHSW-25', owner: null },
      format: 'gen1',
      measurements: [
        { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -68 },
        { component: 'switch', channel: 0, metric: 'output', value: false },
        { component: 'switch', channel: 1, metric: 'output', value: false },
        { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 0 },
        { component: 'switch', channel: 0, metric: 'energy', unit: 'Wh', value: 4008 },
        { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 0 },
        { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 102 },
        { component: 'device', channel: 0, metric: 'temperature', unit: 'C', value: 51.9 },
      ],
    });
  });

  it('reads a Gen2 partial status of one switch', () => {
    expect(rteEventOf('rte-gen2-plus-2pm-switch-status')).toEqual({
      type: 'device.status.v1',
      id: 'event-1',
      time: '2025-03-02T10:15:00.000Z',
      partner: null,
      source: rteSource,
      device: { id: '485519999340', gen: 'G2', model: 'SNSW-102P16EU', owner: null },
      format: 'gen2',
      measurements: [
        { component: 'switch', channel: 1, metric: 'output', value: true },
        { component: 'switch', channel: 1, metric: 'power', unit: 'W', value: 41.7 },
        { component: 'switch', channel: 1, metric: 'voltage', unit: 'V', value: 230.4 },
        { component: 'switch', channel: 1, metric: 'current', unit: 'A', value: 0.198 },
        { component: 'switch', channel: 1, metric: 'power_factor', value: 0.91 },
        { component: 'switch', channel: 1, metric: 'energy', unit: 'Wh', value: 5234.61 },
        { component: 'switch', channel: 1, metric: 'temperature', unit: 'C', value: 44.1 },
      ],
    });
  });

  it("reads a BLU TRV in the status of its Gen3 gateway, under the gateway's id", () => {
    const event = rteEventOf('rte-gen3-blu-gateway-trv-status');

    expect(event.device).toEqual({
      id: '36ccf6f3e7fc',
      gen: 'G3',
      model: 'S3GW-1DBT001',
      owner: null,
    });
    expect(event.measurements).toEqual([
      { component: 'trv', channel: 200, metric: 'temperature', unit: 'C', value: 20.1 },
      { component: 'trv', channel: 200, metric: 'target_temperature', unit: 'C', value: 21 },
      { component: 'trv', channel: 200, metric: 'position', unit: '%', value: 27 },
      { component: 'trv', channel: 200, metric: 'battery', unit: '%', value: 88 },
      { component: 'trv', channel: 200, metric: 'rssi', unit: 'dBm', value: -73 },
      { component: 'trv', channel: 200, metric: 'last_updated', unit: 's', value: 1740910242 },
    ]);
  });

  it('reads a Gen4 partial status of one outlet', () => {
    const event = rteEventOf('rte-gen4-power-strip-switch-status');

    expect(event.device).toEqual({
      id: '7c2c67d1e3f0',
      gen: 'G4',
      model: 'S4PL-00416EU',
      owner: null,
    });
    expect(event.format).toBe('gen2');
    expect(event.measurements).toEqual([
      { component: 'switch', channel: 2, metric: 'output', value: true },
      { component: 'switch', channel: 2, metric: 'power', unit: 'W', value: 1093.2 },
      { component: 'switch', channel: 2, metric: 'voltage', unit: 'V', value: 229.8 },
      { component: 'switch', channel: 2, metric: 'current', unit: 'A', value: 4.78 },
      { component: 'switch', channel: 2, metric: 'power_factor', value: 0.99 },
      { component: 'switch', channel: 2, metric: 'frequency', unit: 'Hz', value: 50 },
      { component: 'switch', channel: 2, metric: 'energy', unit: 'Wh', value: 336.76 },
      { component: 'switch', channel: 2, metric: 'returned_energy', unit: 'Wh', value: 0 },
    ]);
  });

  it('reads an online frame with a device object', () => {
    expect(
      normalizeFrame(JSON.stringify({ event: 'Shelly:Online', device, online: 0 }), rteContext()),
    ).toEqual({
      kind: 'events',
      hexReading: undefined,
      events: [
        {
          type: 'device.online.v1',
          id: 'event-1',
          time: '2025-03-02T10:15:00.000Z',
          partner: null,
          source: rteSource,
          device: { id: '485519999340', gen: 'G2', model: 'SNSW-102P16EU', owner: null },
          online: false,
        },
      ],
    });
  });

  it('names no account in the events of an Integrator session', () => {
    const event = statusEventOf(normalizeFrame(frameText('gen2-switch-status'), testContext()));

    expect(event.source).toEqual({ api: 'integrator', host: 'shelly-103-eu.shelly.cloud' });
    expect('account' in event.source).toBe(false);
  });

  it('keeps the second reading of a device.id of twelve digits, like that of a deviceId', () => {
    expect(
      normalize({ event: 'Shelly:Online', device: { ...device, id: '485519999340' }, online: 1 }),
    ).toMatchObject({
      events: [{ device: { id: '00710b3f416c' } }],
      hexReading: '485519999340',
    });
  });

  it('leaves generation and model null when the device object does not state them', () => {
    expect(
      normalize({ event: 'Shelly:Online', device: { id: '79530338915136' }, online: 0 }),
    ).toMatchObject({
      events: [{ device: { id: '485519999340', gen: null, model: null, owner: null } }],
    });
    expect(
      normalize({
        event: 'Shelly:Online',
        device: { id: '79530338915136', code: null, gen: null },
        online: 0,
      }),
    ).toMatchObject({ events: [{ device: { gen: null, model: null } }] });
  });

  it('reads a BLE device by its X… id and the GBLE generation', () => {
    expect(
      normalize({
        event: 'Shelly:Online',
        device: { id: 'XB1234567890A', code: 'SBDW-002C', gen: 'GBLE' },
        online: 1,
      }),
    ).toMatchObject({
      events: [{ device: { id: 'XB1234567890A', gen: 'GBLE', model: 'SBDW-002C' }, online: true }],
    });
  });

  it('uses the stated G1 generation for a status whose keys do not tell the dialect', () => {
    expect(
      normalize({
        event: 'Shelly:StatusOnChange',
        device: { id: '12133370', code: 'SHSW-25', gen: 'G1' },
        status: { cloud: { connected: true } },
      }),
    ).toMatchObject({ events: [{ format: 'gen1', measurements: [] }] });
  });

  it('drops an event it does not consume, such as a relayed device RPC answer', () => {
    expect(
      normalize({
        event: 'Shelly:JrpcResponse',
        trid: 'a1',
        device,
        response: { result: { was_on: false } },
      }),
    ).toEqual({
      kind: 'dropped',
      reason: 'unknown_event',
      detail: 'event "Shelly:JrpcResponse" is not consumed',
    });
  });
});

/** Every Integrator status fixture, with the generation its name gives. */
const integratorFixtures = readdirSync(folder)
  .filter((file) => /^gen\d-.*\.json$/.test(file))
  .map((file) => file.replace(/\.json$/, ''));

/** The same status as an account's RTE socket would bring it: `device: {id, code, gen}`. */
function asRteFrame(fixture: string): string {
  const { event, deviceId, status } = JSON.parse(
    readFileSync(resolve(folder, `${fixture}.json`), 'utf8'),
  ) as { event: string; deviceId: string; status: { code?: string } };
  const gen = `G${fixture.charAt(3)}`;
  return JSON.stringify({ event, device: { id: deviceId, code: status.code, gen }, status });
}

describe('one device state on either channel', () => {
  it('covers every generation the fixtures hold', () => {
    expect(new Set(integratorFixtures.map((name) => name.slice(0, 4)))).toEqual(
      new Set(['gen1', 'gen2', 'gen3', 'gen4']),
    );
  });

  it.each(integratorFixtures)(
    'gives the same event for %s but for its source and stated device',
    (fixture) => {
      const integrator = statusEventOf(normalizeFrame(frameText(fixture), testContext()));
      const rte = statusEventOf(normalizeFrame(asRteFrame(fixture), rteContext()));

      expect(rte.source).toEqual(rteSource);
      expect(rte.device.gen).toBe(`G${fixture.charAt(3)}`);
      expect(rte.measurements.length).toBeGreaterThan(0);
      expect({
        ...rte,
        source: integrator.source,
        device: { ...rte.device, gen: null, model: null },
      }).toEqual(integrator);
    },
  );
});
