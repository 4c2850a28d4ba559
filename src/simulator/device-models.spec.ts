import { buildFleet } from './fleet';
import { seededRandom } from './seeded-random';
import { cloudStatus, SimulatedDevice } from './simulated-device';

const NOW = Date.UTC(2025, 4, 1, 12, 30, 15);

/** Statuses are untyped JSON that the assertions read into freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function statusOf(model: string, seed = 21): { device: SimulatedDevice; status: Json } {
  const [device] = buildFleet({ devices: [{ model }] }, ['host'], seededRandom(seed), NOW);
  return { device, status: cloudStatus(device, NOW) };
}

const sortedKeys = (value: object) => Object.keys(value).sort();

describe('Gen1 status shapes', () => {
  it('SHSW-1: a relay with a meter counting watt-minutes', () => {
    const { device, status } = statusOf('SHSW-1');
    const relay = device.state.relays[0];

    expect(sortedKeys(status.relays[0])).toEqual(
      [
        'has_timer',
        'ison',
        'overpower',
        'source',
        'timer_duration',
        'timer_remaining',
        'timer_started',
      ].sort(),
    );
    expect(status.meters[0]).toEqual({
      power: expect.any(Number),
      overpower: 0,
      is_valid: true,
      timestamp: NOW / 1000,
      counters: [expect.any(Number), expect.any(Number), expect.any(Number)],
      total: Math.floor(relay.energyWh * 60),
    });
    expect(status.relays[0].ison).toBe(relay.on);
    expect(status.meters[0].power).toBe(relay.on ? relay.powerW : 0);
  });

  it('carries the common Gen1 keys', () => {
    const { device, status } = statusOf('SHSW-1');

    expect(status).toMatchObject({
      wifi_sta: {
        connected: true,
        ssid: expect.any(String),
        ip: expect.any(String),
        rssi: expect.any(Number),
      },
      cloud: { enabled: true, connected: true },
      mqtt: { connected: false },
      time: '12:30',
      unixtime: NOW / 1000,
      has_update: false,
      mac: device.identity.mac,
      update: { status: 'idle', has_update: false },
    });
    for (const key of ['serial', 'uptime', 'ram_total', 'ram_free', 'fs_size', 'fs_free']) {
      expect(typeof status[key]).toBe('number');
    }
  });

  it('SHSW-25 in roller mode: a roller, two meters and the internal temperature', () => {
    const { status } = statusOf('SHSW-25');

    expect(status.rollers[0]).toMatchObject({
      state: expect.stringMatching(/^(open|close|stop)$/),
      power: expect.any(Number),
      is_valid: true,
      safety_switch: false,
      overtemperature: false,
      stop_reason: 'normal',
      last_direction: expect.stringMatching(/^(open|close)$/),
      calibrating: false,
      positioning: true,
    });
    expect(status.rollers[0].current_pos).toBeGreaterThanOrEqual(0);
    expect(status.rollers[0].current_pos).toBeLessThanOrEqual(100);
    expect(status.meters).toHaveLength(2);
    expect(status.tmp).toEqual({ tC: status.temperature, tF: expect.any(Number), is_valid: true });
    expect(status).not.toHaveProperty('relays');
  });

  it('SHEM: two energy meters with reactive power and Wh totals', () => {
    const { device, status } = statusOf('SHEM');

    expect(status.emeters).toHaveLength(2);
    expect(sortedKeys(status.emeters[0])).toEqual(
      ['is_valid', 'pf', 'power', 'reactive', 'total', 'total_returned', 'voltage'].sort(),
    );
    expect(status.emeters[0].total).toBeCloseTo(device.state.phases[0].energyWh, 0);
    expect(status.relays).toHaveLength(1);
  });

  it('SHEM-3: three phases with current and the total power', () => {
    const { status } = statusOf('SHEM-3');

    expect(status.emeters).toHaveLength(3);
    expect(sortedKeys(status.emeters[2])).toEqual(
      ['current', 'is_valid', 'pf', 'power', 'total', 'total_returned', 'voltage'].sort(),
    );
    const sum = (status.emeters as Json[]).reduce((total, meter) => total + Number(meter.power), 0);
    expect(status.total_power).toBeCloseTo(sum, 1);
  });

  it('SHDM-2: a white light with brightness and a meter', () => {
    const { status } = statusOf('SHDM-2');

    expect(status.lights[0]).toMatchObject({
      ison: expect.any(Boolean),
      mode: 'white',
      brightness: expect.any(Number),
      transition: 0,
    });
    expect(status.meters).toHaveLength(1);
  });

  it('SHRGBW2 in colour mode: channels 0..255, gain and effect', () => {
    const { status } = statusOf('SHRGBW2');
    const light = status.lights[0];

    expect(light.mode).toBe('color');
    for (const channel of ['red', 'green', 'blue', 'white']) {
      expect(light[channel]).toBeGreaterThanOrEqual(0);
      expect(light[channel]).toBeLessThanOrEqual(255);
    }
    expect(light).toMatchObject({ gain: expect.any(Number), effect: 0, power: expect.any(Number) });
  });

  it('SHHT-1: temperature in both units, humidity and battery', () => {
    const { status } = statusOf('SHHT-1');

    expect(status.tmp).toEqual({
      value: status.tmp.tC,
      units: 'C',
      tC: expect.any(Number),
      tF: Math.round((status.tmp.tC * 1.8 + 32) * 10) / 10,
      is_valid: true,
    });
    expect(status.hum).toEqual({ value: expect.any(Number), is_valid: true });
    expect(status.bat).toEqual({ value: expect.any(Number), voltage: expect.any(Number) });
    expect(status.act_reasons).toEqual(['sensor']);
  });

  it('SHWT-1: the flood flag', () => {
    const { status } = statusOf('SHWT-1');

    expect(status.flood).toBe(false);
    expect(status).toHaveProperty('tmp.tC');
    expect(status).toHaveProperty('bat.value');
  });

  it('SHDW-2: contact state, lux and tilt', () => {
    const { status } = statusOf('SHDW-2');

    expect(status.sensor).toEqual({
      state: expect.stringMatching(/^(open|close)$/),
      is_valid: true,
    });
    expect(status.lux).toEqual({
      value: expect.any(Number),
      illumination: expect.stringMatching(/^(dark|twilight|bright)$/),
      is_valid: true,
    });
    expect(status.accel).toEqual({ tilt: expect.any(Number), vibration: 0 });
  });
});

describe('Gen2+ status shapes', () => {
  it('carries sys, wifi, cloud and the cloud keys', () => {
    const { device, status } = statusOf('SNSW-001P16EU');

    expect(status.sys).toMatchObject({
      mac: device.identity.mac,
      unixtime: NOW / 1000,
      uptime: expect.any(Number),
      ram_free: expect.any(Number),
      cfg_rev: expect.any(Number),
      available_updates: {},
    });
    expect(status.wifi).toEqual({
      sta_ip: expect.any(String),
      status: 'got ip',
      ssid: expect.any(String),
      rssi: expect.any(Number),
    });
    expect(status.cloud).toEqual({ connected: true });
    expect(status).toMatchObject({
      id: device.identity.id,
      code: 'SNSW-001P16EU',
      _updated: '2025-05-01 12:30:15',
    });
  });

  it('Plus 1PM: a metered switch with energy in Wh and per-minute mWh', () => {
    const { device, status } = statusOf('SNSW-001P16EU');
    const relay = device.state.relays[0];
    const component = status['switch:0'];

    expect(component).toMatchObject({
      id: 0,
      output: relay.on,
      apower: expect.any(Number),
      voltage: expect.any(Number),
      current: expect.any(Number),
      freq: expect.any(Number),
      temperature: { tC: expect.any(Number), tF: expect.any(Number) },
    });
    expect(component.aenergy.total).toBeCloseTo(relay.energyWh, 2);
    expect(component.aenergy.by_minute).toHaveLength(3);
    expect(component.aenergy.by_minute[0]).toBeCloseTo((relay.powerW * 1000) / 60, 0);
    expect(component.aenergy.minute_ts % 60).toBe(0);
    expect(status['input:0']).toEqual({ id: 0, state: expect.any(Boolean) });
  });

  it('Plus 2PM in cover mode: a cover with position and state', () => {
    const { status } = statusOf('SNSW-102P16EU');

    expect(status['cover:0']).toMatchObject({
      id: 0,
      state: expect.stringMatching(/^(open|closed|stopped)$/),
      current_pos: expect.any(Number),
      pos_control: true,
      last_direction: expect.stringMatching(/^(open|close)$/),
      aenergy: { total: expect.any(Number) },
    });
    expect(status).not.toHaveProperty('switch:0');
  });

  it('Plus Wall Dimmer: a light with output and brightness, not metered', () => {
    const { status } = statusOf('SNDM-0013US');

    expect(status['light:0']).toEqual({
      id: 0,
      source: 'init',
      output: expect.any(Boolean),
      brightness: expect.any(Number),
    });
  });

  it('Pro 3EM: per-phase readings and energy totals', () => {
    const { status } = statusOf('SPEM-003CEBEU');
    const meter = status['em:0'];
    const energy = status['emdata:0'];

    for (const phase of ['a', 'b', 'c']) {
      for (const field of ['current', 'voltage', 'act_power', 'aprt_power', 'pf', 'freq']) {
        expect(typeof meter[`${phase}_${field}`]).toBe('number');
      }
      expect(typeof energy[`${phase}_total_act_energy`]).toBe('number');
      expect(typeof energy[`${phase}_total_act_ret_energy`]).toBe('number');
    }
    expect(meter).toMatchObject({ id: 0, n_current: null, total_act_power: expect.any(Number) });
    expect(energy.total_act).toBeCloseTo(
      energy.a_total_act_energy + energy.b_total_act_energy + energy.c_total_act_energy,
      1,
    );
  });

  it('Plus H&T: temperature, humidity and device power', () => {
    const { status } = statusOf('SNSN-0013A');

    expect(status['temperature:0']).toEqual({
      id: 0,
      tC: expect.any(Number),
      tF: expect.any(Number),
    });
    expect(status['humidity:0']).toEqual({ id: 0, rh: expect.any(Number) });
    expect(status['devicepower:0']).toEqual({
      id: 0,
      battery: { V: expect.any(Number), percent: expect.any(Number) },
      external: { present: false },
    });
    expect(status.sys.wakeup_period).toBe(7200);
  });

  it('Plus i4: four inputs', () => {
    const { status } = statusOf('SNSN-0024X');

    expect([0, 1, 2, 3].map((id): unknown => status[`input:${id}`])).toEqual(
      [0, 1, 2, 3].map((id) => ({ id, state: expect.any(Boolean) })),
    );
  });

  it('Pro 4PM on Ethernet: four metered switches, Wi-Fi disconnected with rssi 0, the address on eth', () => {
    const { device, status } = statusOf('SPSW-104PE16EU');

    for (const id of [0, 1, 2, 3]) {
      expect(status[`switch:${id}`]).toMatchObject({
        id,
        output: device.state.relays[id].on,
        apower: expect.any(Number),
      });
    }
    expect(Object.keys(status).filter((key) => key.startsWith('input:'))).toHaveLength(4);
    expect(status.wifi).toEqual({ sta_ip: null, status: 'disconnected', ssid: null, rssi: 0 });
    expect(status.eth).toEqual({ ip: device.state.system.ip });
  });

  it('Pro RGBWW PM in its rgbcct profile: rgb:0 and cct:0, metered from 24 V', () => {
    const { device, status } = statusOf('SPDC-0D5PE');
    const [rgb, cct] = device.state.lights;

    expect(status['rgb:0']).toMatchObject({
      id: 0,
      output: rgb.on,
      brightness: rgb.brightness,
      rgb: [rgb.red, rgb.green, rgb.blue],
      voltage: 24,
      apower: expect.any(Number),
      aenergy: { total: expect.any(Number) },
      temperature: { tC: expect.any(Number), tF: expect.any(Number) },
    });
    expect(status['cct:0']).toMatchObject({
      id: 0,
      output: cct.on,
      brightness: cct.brightness,
      ct: cct.colorTempK,
      voltage: 24,
    });
    expect(cct.colorTempK).toBeGreaterThanOrEqual(2700);
    expect(cct.colorTempK).toBeLessThanOrEqual(6500);
    expect(status).not.toHaveProperty('light:0');
    expect(Object.keys(status).filter((key) => key.startsWith('input:'))).toHaveLength(5);
  });

  it('Pro RGBWW PM: a change of a light channel updates its own component in a partial update', () => {
    const { device } = statusOf('SPDC-0D5PE');

    expect(device.model.partKeys('light:0', device.state)).toEqual(['rgb:0']);
    expect(device.model.partKeys('light:1', device.state)).toEqual(['cct:0']);
  });

  it('BLU Gateway Gen3: a BLU TRV with its temperatures, valve, battery and signal', () => {
    const { device, status } = statusOf('S3GW-1DBT001');
    const [trv] = device.state.bluTrvs;

    expect(status['blutrv:200']).toEqual({
      id: 200,
      target_C: trv.targetC,
      current_C: trv.currentC,
      pos: trv.pos,
      rssi: trv.rssi,
      battery: trv.battery,
      packet_id: trv.packetId,
      last_updated_ts: NOW / 1000,
      paired: true,
      rpc: true,
      rsv: 16,
    });
    expect(trv.pos).toBeGreaterThanOrEqual(0);
    expect(trv.pos).toBeLessThanOrEqual(100);
    expect(device.model.partKeys('blu', device.state)).toContain('blutrv:200');
  });

  it('BLU Gateway Gen3: a BTHome device and its sensors', () => {
    const { device, status } = statusOf('S3GW-1DBT001');

    expect(device.model.gen).toBe('G3');
    expect(status['bthomedevice:200']).toEqual({
      id: 200,
      rssi: expect.any(Number),
      battery: expect.any(Number),
      packet_id: expect.any(Number),
      last_updated_ts: expect.any(Number),
    });
    expect([200, 201, 202].map((id): unknown => status[`bthomesensor:${id}`])).toEqual(
      [200, 201, 202].map((id) => ({
        id,
        value: expect.any(Number),
        last_updated_ts: expect.any(Number),
      })),
    );
  });
});
