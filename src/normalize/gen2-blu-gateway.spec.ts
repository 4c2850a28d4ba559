import { fixtureMeasurements, measurementsOf } from '../../test/fixtures/frames/frames';

describe('BLU devices behind a Gen2+ gateway', () => {
  it('reports a BLU TRV on trv, and the BTHome device beside it on bthomedevice', () => {
    expect(fixtureMeasurements('gen2-blu-gateway-trv-status')).toEqual([
      { component: 'trv', channel: 200, metric: 'temperature', unit: 'C', value: 19.6 },
      { component: 'trv', channel: 200, metric: 'target_temperature', unit: 'C', value: 21 },
      { component: 'trv', channel: 200, metric: 'position', unit: '%', value: 34 },
      { component: 'trv', channel: 200, metric: 'battery', unit: '%', value: 88 },
      { component: 'trv', channel: 200, metric: 'rssi', unit: 'dBm', value: -71 },
      { component: 'bthomedevice', channel: 200, metric: 'battery', unit: '%', value: 100 },
      { component: 'bthomedevice', channel: 200, metric: 'rssi', unit: 'dBm', value: -64 },
      { component: 'device', channel: 0, metric: 'rssi', unit: 'dBm', value: -66 },
    ]);
  });

  it('leaves out a TRV valve position outside 0..100', () => {
    expect(measurementsOf({ 'blutrv:200': { id: 200, pos: -1 } })).toEqual([]);
  });

  it('reports battery and signal of each bthomedevice on its own channel', () => {
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
      { component: 'bthomedevice', channel: 201, metric: 'rssi', unit: 'dBm', value: -80 },
    ]);
  });

  it('reports nothing for a bthomesensor, whose value has no meaning without its config', () => {
    expect(
      measurementsOf({ 'bthomesensor:202': { id: 202, value: 22.4, last_updated_ts: 1740910100 } }),
    ).toEqual([]);
  });
});
