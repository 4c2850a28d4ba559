import { measurementsOf } from '../../test/fixtures/frames/frames';

describe('BLU devices behind a Gen2+ gateway', () => {
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
