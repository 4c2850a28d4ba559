import {
  readV2Command,
  readV2Get,
  v1AllStatus,
  v1DeviceList,
  v2DeviceState,
  v2ErrorOf,
} from './cloud-control';
import { findModel } from './device-models';
import { seededRandom } from './seeded-random';
import { createSimulatedDevice, SimulatedDevice } from './simulated-device';

const NOW = Date.UTC(2025, 2, 2, 10, 15, 0);

function device(model: string, hexId: string): SimulatedDevice {
  return createSimulatedDevice({
    model: findModel(model)!,
    hexId,
    host: 'shelly-43-eu.shelly.cloud',
    rng: seededRandom(3),
    now: NOW,
  });
}

const ids = (count: number) =>
  Array.from({ length: count }, (_, index) => `a8032abe41${String(index).padStart(2, '0')}`);

describe('Cloud Control v2 get', () => {
  it('takes up to ten ids and refuses eleven, or none, as a bad request', () => {
    expect(readV2Get({ ids: ids(10) })).toMatchObject({ ok: true });
    expect(readV2Get({ ids: ids(11) })).toEqual({
      ok: false,
      error: 'BAD_REQUEST',
      message: 'ids must hold 1 to 10 device ids',
    });
    expect(readV2Get({ ids: [] })).toMatchObject({ ok: false, error: 'BAD_REQUEST' });
    expect(readV2Get({})).toMatchObject({ ok: false, error: 'BAD_REQUEST' });
  });

  it('answers identity and online only, unless sections are selected', () => {
    const plug = device('SNSW-001P16EU', 'a8032abe41fc');
    const read = readV2Get({ ids: ['a8032abe41fc'] });
    if (!read.ok) throw new Error(read.message);

    expect(v2DeviceState(plug, read.value, NOW)).toEqual({
      id: 'a8032abe41fc',
      type: 'relay',
      code: 'SNSW-001P16EU',
      gen: 'G2',
      online: 1,
    });
  });

  it('limits each selected section to the picked keys and leaves out a section picked empty', () => {
    const plug = device('SNSW-001P16EU', 'a8032abe41fc');
    const read = readV2Get({
      ids: ['a8032abe41fc'],
      select: ['status', 'settings'],
      pick: { status: ['sys', 'switch:0'], settings: ['no-such-key'] },
    });
    if (!read.ok) throw new Error(read.message);

    const state = v2DeviceState(plug, read.value, NOW);

    expect(Object.keys(state.status as object).sort()).toEqual(['switch:0', 'sys']);
    expect(state).not.toHaveProperty('settings');
  });

  it('names a cover device by its category', () => {
    const cover = device('SNSW-102P16EU', 'a8032abe4200');

    expect(v2DeviceState(cover, { ids: [cover.identity.id] }, NOW).type).toBe('cover');
  });
});

describe('Cloud Control v2 control bodies', () => {
  it('reads set/switch as a relay command on channel 0 unless another is given', () => {
    expect(readV2Command('switch', { id: 'A8032ABE41FC', on: true, toggle_after: 5 })).toEqual({
      ok: true,
      value: { id: 'A8032ABE41FC', cmd: 'relay', params: { id: 0, turn: 'on', timeout: 5 } },
    });
    expect(readV2Command('switch', { id: 'a8032abe41fc', channel: 1, on: false })).toMatchObject({
      value: { params: { id: 1, turn: 'off' } },
    });
  });

  it('requires on for set/switch', () => {
    expect(readV2Command('switch', { id: 'a8032abe41fc' })).toMatchObject({
      ok: false,
      error: 'BAD_REQUEST',
    });
  });

  it('reads set/cover as a roller move or a move to a position', () => {
    expect(readV2Command('cover', { id: 'a8032abe41fc', position: 'open', duration: 3 })).toEqual({
      ok: true,
      value: { id: 'a8032abe41fc', cmd: 'roller', params: { id: 0, go: 'open', duration: 3 } },
    });
    expect(readV2Command('cover', { id: 'a8032abe41fc', position: 40 })).toEqual({
      ok: true,
      value: { id: 'a8032abe41fc', cmd: 'roller_to_pos', params: { id: 0, pos: 40 } },
    });
  });

  it.each([
    ['position with relative', { position: 40, relative: 10 }],
    ['slatPosition with slatRelative', { slatPosition: 40, slatRelative: 10 }],
    ['duration with a numeric position', { position: 40, duration: 3 }],
    ['a position beyond 100', { position: 140 }],
  ])('refuses set/cover with %s', (_case, body) => {
    expect(readV2Command('cover', { id: 'a8032abe41fc', ...body })).toMatchObject({
      ok: false,
      error: 'BAD_REQUEST',
    });
  });

  it('reads set/light with the v2 names of the light command’s fields', () => {
    expect(
      readV2Command('light', { id: 'a8032abe41fc', on: true, brightness: 40, temperature: 3000 }),
    ).toEqual({
      ok: true,
      value: {
        id: 'a8032abe41fc',
        cmd: 'light',
        params: { id: 0, turn: 'on', brightness: 40, temp: 3000 },
      },
    });
    expect(readV2Command('light', { id: 'a8032abe41fc', temperature: 2600 })).toMatchObject({
      ok: false,
      error: 'BAD_REQUEST',
    });
  });

  it('maps a device’s refusal to the v2 error', () => {
    expect(v2ErrorOf('INVALID_CHANNEL')).toBe('DEVICE_INVALID_CHANNEL');
    expect(v2ErrorOf('UNSUPPORTED_COMMAND')).toBe('DEVICE_INVALID_MODE');
    expect(v2ErrorOf('INVALID_PARAMS')).toBe('BAD_REQUEST');
  });
});

describe('Cloud Control v1 shapes', () => {
  it('adds _dev_info to each status of all_status, keyed by hex id', () => {
    const plug = device('SNSW-001P16EU', 'a8032abe41fc');
    plug.online = false;

    expect(v1AllStatus([plug], NOW).a8032abe41fc).toMatchObject({
      'switch:0': expect.objectContaining({ id: 0 }),
      _dev_info: { id: 'a8032abe41fc', gen: 'G2', code: 'SNSW-001P16EU', online: false },
    });
  });

  it('lists devices with their name, type, generation, channel count and cloud state', () => {
    const roller = device('SHSW-25', 'c45bbe6b2a1f');

    expect(v1DeviceList([roller])).toEqual({
      c45bbe6b2a1f: {
        id: 'c45bbe6b2a1f',
        name: roller.identity.name,
        type: 'SHSW-25',
        gen: 'G1',
        channels_count: 1,
        cloud_online: true,
      },
    });
  });
});
