import { applyDeviceCommand, expireChannelTimer } from './device-commands';
import { createDeviceState, DeviceLayout } from './device-state';
import { seededRandom } from './seeded-random';

const NOW = Date.UTC(2025, 0, 1);

function stateWith(layout: DeviceLayout) {
  return createDeviceState(layout, seededRandom(5), NOW - 60_000);
}

describe('device commands', () => {
  it('turns a relay on and sets its power from the load', () => {
    const state = stateWith({ relays: { count: 1, metered: true } });
    state.relays[0].on = false;

    const outcome = applyDeviceCommand(state, 'relay', { id: 0, turn: 'on' }, NOW);

    expect(outcome).toEqual({ ok: true, changed: ['relay:0'], timer: undefined });
    expect(state.relays[0]).toMatchObject({
      on: true,
      source: 'cloud',
      powerW: state.relays[0].loadW,
    });
  });

  it('settles energy at the old power before switching', () => {
    const state = stateWith({ relays: { count: 1, metered: true } });
    const relay = state.relays[0];
    relay.on = true;
    relay.powerW = 120;
    const before = relay.energyWh;

    applyDeviceCommand(state, 'relay', { id: 0, turn: 'off' }, NOW);

    expect(relay.energyWh - before).toBeCloseTo(2, 6);
    expect(relay.powerW).toBe(0);
  });

  it('returns a timer for a timeout and flips back when it expires', () => {
    const state = stateWith({ relays: { count: 1, metered: false } });
    state.relays[0].on = false;

    const outcome = applyDeviceCommand(state, 'relay', { id: 0, turn: 'on', timeout: 30 }, NOW);
    const timer = outcome.ok ? outcome.timer : undefined;
    const changed = expireChannelTimer(state, timer!, NOW + 30_000);

    expect(timer).toEqual({ kind: 'relay', channel: 0, startedAt: NOW, durationS: 30 });
    expect(changed).toEqual(['relay:0']);
    expect(state.relays[0]).toMatchObject({ on: false, source: 'timer', timer: undefined });
  });

  it('ignores an expired timer that a later command replaced', () => {
    const state = stateWith({ relays: { count: 1, metered: false } });
    const first = applyDeviceCommand(state, 'relay', { id: 0, turn: 'on', timeout: 30 }, NOW);
    applyDeviceCommand(state, 'relay', { id: 0, turn: 'on' }, NOW + 1000);

    const changed = expireChannelTimer(state, first.ok ? first.timer! : undefined!, NOW + 30_000);

    expect(changed).toEqual([]);
    expect(state.relays[0].on).toBe(true);
  });

  it('changes light values without turn', () => {
    const state = stateWith({ lights: { count: 1, mode: 'color', metered: true } });

    const outcome = applyDeviceCommand(
      state,
      'light',
      { id: 0, mode: 'white', brightness: 12.4 },
      NOW,
    );

    expect(outcome.ok).toBe(true);
    expect(state.lights[0]).toMatchObject({ mode: 'white', brightness: 12 });
  });

  it('keeps a colour temperature on a tunable white light, and only checks it on others', () => {
    const tunable = stateWith({
      lights: { count: 1, mode: 'white', metered: false, colorTemp: true },
    });
    const plain = stateWith({ lights: { count: 1, mode: 'white', metered: false } });

    expect(applyDeviceCommand(tunable, 'light', { id: 0, temp: 3100 }, NOW).ok).toBe(true);
    expect(tunable.lights[0].colorTempK).toBe(3100);
    expect(applyDeviceCommand(plain, 'light', { id: 0, temp: 3100 }, NOW)).toMatchObject({
      ok: false,
      reason: 'INVALID_PARAMS',
    });
    expect(applyDeviceCommand(tunable, 'light', { id: 0, temp: 20_000 }, NOW)).toMatchObject({
      ok: false,
      reason: 'INVALID_PARAMS',
    });
  });

  it('refuses a light command with nothing to change', () => {
    const state = stateWith({ lights: { count: 1, mode: 'white', metered: false } });

    expect(applyDeviceCommand(state, 'light', { id: 0 }, NOW)).toMatchObject({
      ok: false,
      reason: 'INVALID_PARAMS',
    });
  });

  it('moves a roller part of the way for a duration', () => {
    const state = stateWith({ rollers: 1 });
    state.rollers[0].pos = 20;

    applyDeviceCommand(state, 'roller', { id: 0, go: 'open', duration: 6 }, NOW);

    expect(state.rollers[0]).toMatchObject({ pos: 40, motion: 'open', lastDirection: 'open' });
  });

  it('accepts go up/down only when asked to', () => {
    const state = stateWith({ rollers: 1 });

    expect(applyDeviceCommand(state, 'roller', { id: 0, go: 'down' }, NOW).ok).toBe(false);
    expect(
      applyDeviceCommand(state, 'roller', { id: 0, go: 'down' }, NOW, { acceptRollerUpDown: true }),
    ).toMatchObject({ ok: true });
    expect(state.rollers[0]).toMatchObject({ pos: 0, motion: 'close' });
  });

  it('clamps a relative move to the travel range', () => {
    const state = stateWith({ rollers: 1 });
    state.rollers[0].pos = 90;

    applyDeviceCommand(state, 'roller_to_pos', { id: 0, rel: 50 }, NOW);

    expect(state.rollers[0].pos).toBe(100);
  });

  it('accepts a slat-only move on a roller without slats and changes nothing', () => {
    const state = stateWith({ rollers: 1 });

    expect(applyDeviceCommand(state, 'roller_to_pos', { id: 0, slat_pos: 30 }, NOW)).toEqual({
      ok: true,
      changed: [],
    });
  });

  it.each([
    ['params that are not an object', 'relay', 'on', 'INVALID_PARAMS'],
    ['a fractional channel id', 'relay', { id: 0.5, turn: 'on' }, 'INVALID_CHANNEL'],
    ['a string channel id', 'relay', { id: '0', turn: 'on' }, 'INVALID_CHANNEL'],
    ['a missing turn', 'relay', { id: 0 }, 'INVALID_PARAMS'],
    ['a negative timeout', 'relay', { id: 0, turn: 'on', timeout: -1 }, 'INVALID_PARAMS'],
    [
      'slat_pos with slat_rel',
      'roller_to_pos',
      { id: 0, slat_pos: 1, slat_rel: 1 },
      'INVALID_PARAMS',
    ],
    ['rel below -100', 'roller_to_pos', { id: 0, rel: -101 }, 'INVALID_PARAMS'],
    ['a colour above 255', 'light', { id: 0, red: 256 }, 'INVALID_PARAMS'],
    ['an unknown light mode', 'light', { id: 0, mode: 'disco' }, 'INVALID_PARAMS'],
    ['an effect above 6', 'light', { id: 0, effect: 7 }, 'INVALID_PARAMS'],
    ['a missing cmd', undefined, { id: 0 }, 'UNSUPPORTED_COMMAND'],
    [
      'ir_emit, which no simulated model has',
      'ir_emit',
      { data: '1', type: 'stored' },
      'UNSUPPORTED_COMMAND',
    ],
  ])('refuses %s', (_case, cmd, params, reason) => {
    const state = stateWith({
      relays: { count: 1, metered: false },
      lights: { count: 1, mode: 'color', metered: false },
      rollers: 1,
    });
    const before = structuredClone(state);

    const outcome = applyDeviceCommand(state, cmd, params, NOW);

    expect(outcome).toMatchObject({ ok: false, reason, detail: expect.any(String) });
    expect(state).toEqual(before);
  });
});
