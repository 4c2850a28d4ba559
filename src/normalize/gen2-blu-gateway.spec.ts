import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('BLU devices behind a Gen2+ gateway', () => {
  it('reports a BLU TRV on trv, and the BTHome device beside it on bthomedevice', () => {
    expect(fixtureMeasurements('gen2-blu-gateway-trv-status')).toEqual([
      { component: 'trv', channel: 200, metric: 'temperature', unit: 'C', value: 19.6 },
      { component: 'trv', channel: 200, metric: 'target_temperature', unit: 'C', value: 21 },
      { component: 'trv', channel: 200, metric: 'position', unit: '%', value: 34 },
      { component: 'trv', channel: 200, metric: 'battery', unit: '%', value: 88 },
      { component: 'trv', channel: 200, metric: 'rssi', unit: 'dBm', value: -71 },
      { component: 'trv', channel: 200, metric: 'last_updated', unit: 's', value: 1740910062 },
      { component: 'bthomedevice', channel: 200, metric: 'battery', unit: '%', value: 100 },
      { component: 'bthomedevice', channel: 200, metric: 'rssi', unit: 'dBm', value: -64 },
      {
        component: 'bthomedevice',
        channel: 200,
        metric: 'last_updated',
        unit: 's',
        value: 1740910101,
      },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -66 },
    ]);
  });

  it('leaves out a TRV valve position outside 0..100', () => {
    expect(measurementsOf({ 'blutrv:200': { id: 200, pos: -1 } })).toEqual([]);
  });

  it('reports battery, signal and last contact of each bthomedevice on its own channel', () => {
    expect(
      measurementsOf({
        'bthomedevice:200': {
          id: 200,
          rssi: -68,
          battery: 97,
          packet_id: 113,
          last_updated_ts: 1740910100,
          paired: true,
          rpc: false,
        },
        'bthomedevice:201': { id: 201, rssi: -80, battery: null },
      }),
    ).toEqual([
      { component: 'bthomedevice', channel: 200, metric: 'battery', unit: '%', value: 97 },
      { component: 'bthomedevice', channel: 200, metric: 'rssi', unit: 'dBm', value: -68 },
      {
        component: 'bthomedevice',
        channel: 200,
        metric: 'last_updated',
        unit: 's',
        value: 1740910100,
      },
      { component: 'bthomedevice', channel: 201, metric: 'rssi', unit: 'dBm', value: -80 },
    ]);
  });

  it('leaves out a last contact of 0: not heard since the gateway started', () => {
    expect(measurementsOf({ 'bthomedevice:200': { id: 200, last_updated_ts: 0 } })).toEqual([]);
  });

  it("reads the gateway's own Wi-Fi signal apart from its BLU devices", () => {
    expect(
      measurementsOf({
        'blutrv:200': { id: 200, rssi: -71 },
        wifi: { sta_ip: '10.0.0.52', status: 'got ip', rssi: -66 },
      }),
    ).toEqual([
      { component: 'trv', channel: 200, metric: 'rssi', unit: 'dBm', value: -71 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -66 },
    ]);
  });

  it('reports nothing for a bthomesensor, whose status says neither what it measures nor in which unit', () => {
    expect(
      measurementsOf({ 'bthomesensor:202': { id: 202, value: 22.4, last_updated_ts: 1740910100 } }),
    ).toEqual([]);
  });
});
