import { advanceDeviceState, createDeviceState, DeviceState } from './device-state';
import { seededRandom } from './seeded-random';

const START = Date.UTC(2025, 0, 1);
const layout = {
  relays: { count: 2, metered: true },
  lights: { count: 1, mode: 'white' as const, metered: true },
  phases: 3,
  sensors: ['temperatureC' as const, 'humidity' as const, 'battery' as const],
  bluNodes: 1,
};

function counters(state: DeviceState): number[] {
  return [
    ...state.relays.map((relay) => relay.energyWh),
    ...state.lights.map((light) => light.energyWh),
    ...state.phases.flatMap((phase) => [phase.energyWh, phase.returnedWh]),
  ];
}

describe('device state over time', () => {
  it('never lets an energy counter go down', () => {
    const rng = seededRandom(42);
    const state = createDeviceState(layout, rng, START);
    let previous = counters(state);
    for (let minute = 1; minute <= 500; minute += 1) {
      advanceDeviceState(state, START + minute * 60_000, rng);
      const current = counters(state);
      current.forEach((value, index) => expect(value).toBeGreaterThanOrEqual(previous[index]));
      previous = current;
    }
  });

  it('integrates the power that held over the elapsed time', () => {
    const rng = seededRandom(1);
    const state = createDeviceState({ relays: { count: 1, metered: true } }, rng, START);
    const relay = state.relays[0];
    relay.on = true;
    relay.powerW = 600;
    const before = relay.energyWh;

    advanceDeviceState(state, START + 30 * 60_000, rng);

    expect(relay.energyWh - before).toBeCloseTo(300, 6);
  });

  it('counts export on the returned counter only', () => {
    const rng = seededRandom(1);
    const state = createDeviceState({ phases: 1 }, rng, START);
    const phase = state.phases[0];
    phase.powerW = -1200;
    const [consumed, returned] = [phase.energyWh, phase.returnedWh];

    advanceDeviceState(state, START + 3_600_000, rng);

    expect(phase.energyWh).toBe(consumed);
    expect(phase.returnedWh - returned).toBeCloseTo(1200, 6);
  });

  it('reports zero power for switched-off channels', () => {
    const rng = seededRandom(3);
    const state = createDeviceState(layout, rng, START);
    state.relays.forEach((relay) => (relay.on = false));

    advanceDeviceState(state, START + 1000, rng);

    expect(state.relays.map((relay) => relay.powerW)).toEqual([0, 0]);
  });

  it('names the parts whose readings moved', () => {
    const rng = seededRandom(3);
    const state = createDeviceState(layout, rng, START);

    expect(advanceDeviceState(state, START + 1000, rng).sort()).toEqual(
      ['blu', 'light:0', 'phases', 'relay:0', 'relay:1', 'sensors', 'system'].sort(),
    );
  });

  it('is the same for the same seed', () => {
    const run = () => {
      const rng = seededRandom(77);
      const state = createDeviceState(layout, rng, START);
      advanceDeviceState(state, START + 60_000, rng);
      return state;
    };

    expect(run()).toEqual(run());
  });
});
