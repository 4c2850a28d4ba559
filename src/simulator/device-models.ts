import { DeviceIdentity } from './device-identity';
import { DeviceLayout, DeviceState, StatePart } from './device-state';
import {
  gen1Battery,
  gen1ColorLight,
  gen1Common,
  gen1DimmerLight,
  gen1Housekeeping,
  gen1Inputs,
  gen1InternalTemperature,
  gen1Meter,
  gen1Relay,
  gen1Roller,
  gen1SensorHousekeeping,
  gen1SensorTemperature,
  gen1SystemKeys,
  illumination,
  Status,
} from './gen1-status';
import {
  gen2BluComponents,
  gen2BluTrvs,
  gen2CctLight,
  gen2Common,
  gen2Cover,
  gen2Environment,
  gen2EthernetLink,
  gen2Input,
  gen2Inputs,
  gen2InternalTemperatureComponent,
  gen2Light,
  gen2RgbLight,
  gen2Switch,
  gen2SystemKeys,
  gen2ThreePhaseEnergy,
  gen2ThreePhaseMeter,
} from './gen2-status';
import { round } from './seeded-random';

export type Generation = 'G1' | 'G2' | 'G3';

export interface DeviceModel {
  /** Model code, sent as both `deviceType` and `deviceCode` in callbacks and actions. */
  code: string;
  name: string;
  gen: Generation;
  hostnamePrefix: string;
  idLength: 6 | 12;
  firmware: string;
  layout: DeviceLayout;
  status(identity: DeviceIdentity, state: DeviceState, now: number): Status;
  /** The status keys a partial update carries when `part` changed. */
  partKeys(part: StatePart, state: DeviceState): string[];
}

const GEN1_FIRMWARE = '20230913-112003/v1.14.0-gcb84623';
const GEN2_FIRMWARE = '20241011-114449/1.4.4-g6d2a586';
const GEN3_FIRMWARE = '20250120-103508/1.5.0-g2f0e6d9';

type Gen1Body = (identity: DeviceIdentity, state: DeviceState, now: number) => Status;

function gen1Model(
  definition: Omit<DeviceModel, 'gen' | 'firmware' | 'status' | 'partKeys'> & {
    body: Gen1Body;
    keys: Partial<Record<'relay' | 'light' | 'roller' | 'input' | StatePart, string[]>>;
  },
): DeviceModel {
  const { body, keys, ...model } = definition;
  return {
    ...model,
    gen: 'G1',
    firmware: GEN1_FIRMWARE,
    status: (identity, state, now) => ({
      ...gen1Common(identity, state, now),
      ...body(identity, state, now),
      ...gen1Housekeeping(identity, state, now),
    }),
    partKeys: (part) => {
      const kind = part.split(':')[0] as keyof typeof keys;
      return part === 'system' ? [...gen1SystemKeys, ...(keys.system ?? [])] : (keys[kind] ?? []);
    },
  };
}

function gen2Model(
  definition: Omit<DeviceModel, 'gen' | 'firmware' | 'status' | 'partKeys' | 'idLength'> & {
    gen?: Generation;
    body: Gen1Body;
    keys?: Partial<
      Record<'phases' | 'sensors' | 'blu' | 'system', (state: DeviceState) => string[]>
    >;
    /** The component key of each light channel, when they are not `light:0`, `light:1`, ... */
    lightKeys?: readonly string[];
  },
): DeviceModel {
  const { body, keys, gen, lightKeys, ...model } = definition;
  return {
    ...model,
    gen: gen ?? 'G2',
    idLength: 12,
    firmware: gen === 'G3' ? GEN3_FIRMWARE : GEN2_FIRMWARE,
    status: (identity, state, now) => ({
      ...gen2Common(identity, state, now),
      ...body(identity, state, now),
    }),
    partKeys: (part, state) => {
      const [kind, index] = part.split(':');
      if (kind === 'light' && lightKeys) return [lightKeys[Number(index)]];
      const component = { relay: 'switch', light: 'light', roller: 'cover', input: 'input' }[kind];
      if (component) return [`${component}:${index}`];
      const extra = keys?.[part as 'phases' | 'sensors' | 'blu' | 'system']?.(state) ?? [];
      return part === 'system' ? [...gen2SystemKeys, ...extra] : extra;
    },
  };
}

/** The Pro RGBWW PM drives LED strips from a 24 V DC supply. */
const RGBWW_SUPPLY_V = 24;

const meterOf = (channel: { powerW: number; energyWh: number }, now: number) =>
  gen1Meter(channel.powerW, channel.energyWh, now);

export const deviceModels: readonly DeviceModel[] = [
  gen1Model({
    code: 'SHSW-1',
    name: 'Shelly 1',
    hostnamePrefix: 'shelly1',
    idLength: 6,
    layout: { relays: { count: 1, metered: true }, inputs: 1 },
    body: (_identity, state, now) => ({
      relays: state.relays.map((relay) => gen1Relay(relay, now)),
      meters: state.relays.map((relay) => meterOf(relay, now)),
      inputs: gen1Inputs(state),
      ext_sensors: {},
      ext_temperature: {},
      ext_humidity: {},
    }),
    keys: { relay: ['relays', 'meters'], input: ['inputs'] },
  }),
  gen1Model({
    code: 'SHSW-25',
    name: 'Shelly 2.5 (roller mode)',
    hostnamePrefix: 'shellyswitch25',
    idLength: 12,
    layout: { rollers: 1, inputs: 2 },
    body: (_identity, state, now) => {
      const roller = state.rollers[0];
      return {
        rollers: state.rollers.map(gen1Roller),
        // One meter per motor output; the opening output does slightly more work.
        meters: [
          gen1Meter(
            roller.lastDirection === 'open' ? roller.powerW : 0,
            roller.energyWh * 0.55,
            now,
          ),
          gen1Meter(
            roller.lastDirection === 'close' ? roller.powerW : 0,
            roller.energyWh * 0.45,
            now,
          ),
        ],
        inputs: gen1Inputs(state),
        ...gen1InternalTemperature(state),
        temperature_status: 'Normal',
        voltage: state.mains.voltageV,
      };
    },
    keys: {
      roller: ['rollers', 'meters'],
      input: ['inputs'],
      system: ['temperature', 'tmp', 'voltage'],
    },
  }),
  gen1Model({
    code: 'SHEM',
    name: 'Shelly EM',
    hostnamePrefix: 'shellyem',
    idLength: 12,
    layout: { relays: { count: 1, metered: false }, phases: 2 },
    body: (_identity, state, now) => ({
      relays: state.relays.map((relay) => gen1Relay(relay, now, { is_valid: true })),
      emeters: state.phases.map((phase) => ({
        power: round(phase.powerW, 2),
        reactive: phase.reactiveVar,
        pf: phase.pf,
        voltage: state.mains.voltageV,
        is_valid: true,
        total: round(phase.energyWh, 1),
        total_returned: round(phase.returnedWh, 1),
      })),
    }),
    keys: { relay: ['relays'], phases: ['emeters'] },
  }),
  gen1Model({
    code: 'SHEM-3',
    name: 'Shelly 3EM',
    hostnamePrefix: 'shellyem3',
    idLength: 12,
    layout: { relays: { count: 1, metered: false }, phases: 3 },
    body: (_identity, state, now) => ({
      relays: state.relays.map((relay) => gen1Relay(relay, now, { is_valid: true })),
      emeters: state.phases.map((phase) => ({
        power: round(phase.powerW, 2),
        pf: phase.pf,
        current: phase.currentA,
        voltage: state.mains.voltageV,
        is_valid: true,
        total: round(phase.energyWh, 1),
        total_returned: round(phase.returnedWh, 1),
      })),
      total_power: round(
        state.phases.reduce((sum, phase) => sum + phase.powerW, 0),
        2,
      ),
      fs_mounted: true,
    }),
    keys: { relay: ['relays'], phases: ['emeters', 'total_power'] },
  }),
  gen1Model({
    code: 'SHDM-2',
    name: 'Shelly Dimmer 2',
    hostnamePrefix: 'shellydimmer2',
    idLength: 12,
    layout: { lights: { count: 1, mode: 'white', metered: true }, inputs: 2 },
    body: (_identity, state, now) => ({
      lights: state.lights.map((light) => gen1DimmerLight(light, now)),
      meters: state.lights.map((light) => meterOf(light, now)),
      inputs: gen1Inputs(state),
      ...gen1InternalTemperature(state),
      loaded: true,
      calibrated: true,
    }),
    keys: { light: ['lights', 'meters'], input: ['inputs'], system: ['temperature', 'tmp'] },
  }),
  gen1Model({
    code: 'SHRGBW2',
    name: 'Shelly RGBW2 (color mode)',
    hostnamePrefix: 'shellyrgbw2',
    idLength: 12,
    layout: { lights: { count: 1, mode: 'color', metered: true }, inputs: 1 },
    body: (_identity, state, now) => ({
      lights: state.lights.map((light) => gen1ColorLight(light, now)),
      meters: state.lights.map((light) => meterOf(light, now)),
      inputs: gen1Inputs(state),
      overtemperature: false,
    }),
    keys: { light: ['lights', 'meters'], input: ['inputs'] },
  }),
  gen1Model({
    code: 'SHHT-1',
    name: 'Shelly H&T',
    hostnamePrefix: 'shellyht',
    idLength: 6,
    layout: { sensors: ['temperatureC', 'humidity', 'battery'] },
    body: (_identity, state) => ({
      tmp: gen1SensorTemperature(state),
      hum: { value: state.sensors.humidity, is_valid: true },
      bat: gen1Battery(state),
      ...gen1SensorHousekeeping(),
    }),
    keys: { sensors: ['tmp', 'hum', 'bat'] },
  }),
  gen1Model({
    code: 'SHWT-1',
    name: 'Shelly Flood',
    hostnamePrefix: 'shellyflood',
    idLength: 12,
    layout: { sensors: ['flood', 'temperatureC', 'battery'] },
    body: (_identity, state) => ({
      flood: state.sensors.flood,
      tmp: gen1SensorTemperature(state),
      bat: gen1Battery(state),
      rain_sensor: false,
      ...gen1SensorHousekeeping(),
    }),
    keys: { sensors: ['flood', 'tmp', 'bat'] },
  }),
  gen1Model({
    code: 'SHDW-2',
    name: 'Shelly Door/Window 2',
    hostnamePrefix: 'shellydw2',
    idLength: 12,
    layout: {
      sensors: ['contactOpen', 'lux', 'tiltDeg', 'vibration', 'temperatureC', 'battery'],
    },
    body: (_identity, state) => {
      const sensors = state.sensors;
      const lux = sensors.lux ?? 0;
      return {
        sensor: { state: sensors.contactOpen ? 'open' : 'close', is_valid: true },
        lux: { value: lux, illumination: illumination(lux), is_valid: true },
        accel: { tilt: sensors.tiltDeg, vibration: sensors.vibration ? 1 : 0 },
        tmp: gen1SensorTemperature(state),
        bat: gen1Battery(state),
        ...gen1SensorHousekeeping(),
      };
    },
    keys: { sensors: ['sensor', 'lux', 'accel', 'tmp', 'bat'] },
  }),
  gen2Model({
    code: 'SNSW-001P16EU',
    name: 'Shelly Plus 1PM',
    hostnamePrefix: 'shellyplus1pm',
    layout: { relays: { count: 1, metered: true }, inputs: 1 },
    body: (_identity, state, now) => ({
      'input:0': gen2Input(0, state),
      'switch:0': gen2Switch(0, state.relays[0], state, now),
    }),
  }),
  gen2Model({
    code: 'SNSW-102P16EU',
    name: 'Shelly Plus 2PM (cover mode)',
    hostnamePrefix: 'shellyplus2pm',
    layout: { rollers: 1, inputs: 2 },
    body: (_identity, state, now) => ({
      'cover:0': gen2Cover(0, state.rollers[0], state, now),
      'input:0': gen2Input(0, state),
      'input:1': gen2Input(1, state),
    }),
  }),
  gen2Model({
    code: 'SNDM-0013US',
    name: 'Shelly Plus Wall Dimmer',
    hostnamePrefix: 'shellywalldimmer',
    layout: { lights: { count: 1, mode: 'white', metered: false } },
    body: (_identity, state) => ({ 'light:0': gen2Light(0, state.lights[0]) }),
  }),
  gen2Model({
    code: 'SPEM-003CEBEU',
    name: 'Shelly Pro 3EM',
    hostnamePrefix: 'shellypro3em',
    layout: { phases: 3 },
    body: (_identity, state) => ({
      'em:0': gen2ThreePhaseMeter(state),
      'emdata:0': gen2ThreePhaseEnergy(state),
      eth: { ip: null },
      modbus: {},
      'temperature:0': gen2InternalTemperatureComponent(state),
    }),
    keys: { phases: () => ['em:0', 'emdata:0'], system: () => ['temperature:0'] },
  }),
  gen2Model({
    code: 'SNSN-0013A',
    name: 'Shelly Plus H&T',
    hostnamePrefix: 'shellyplusht',
    layout: { sensors: ['temperatureC', 'humidity', 'battery'] },
    body: (identity, state, now) => ({
      ...gen2Environment(state),
      ht_ui: {},
      sys: {
        ...(gen2Common(identity, state, now).sys as Status),
        wakeup_reason: { boot: 'deepsleep_wake', cause: 'periodic' },
        wakeup_period: 7200,
      },
    }),
    keys: { sensors: () => ['temperature:0', 'humidity:0', 'devicepower:0'] },
  }),
  gen2Model({
    code: 'SNSN-0024X',
    name: 'Shelly Plus i4',
    hostnamePrefix: 'shellyplusi4',
    layout: { inputs: 4 },
    body: (_identity, state) => gen2Inputs(state),
  }),
  gen2Model({
    code: 'S3GW-1DBT001',
    name: 'Shelly BLU Gateway Gen3',
    gen: 'G3',
    hostnamePrefix: 'shellyblugwg3',
    layout: { bluNodes: 1, bluTrvs: 1 },
    body: (_identity, state) => ({
      blugw: {},
      ...gen2BluComponents(state),
      ...gen2BluTrvs(state),
    }),
    keys: {
      blu: (state) => [
        ...Object.keys(gen2BluComponents(state)),
        ...Object.keys(gen2BluTrvs(state)),
      ],
    },
  }),
  gen2Model({
    code: 'SPSW-104PE16EU',
    name: 'Shelly Pro 4PM (Ethernet)',
    hostnamePrefix: 'shellypro4pm',
    layout: { relays: { count: 4, metered: true }, inputs: 4 },
    body: (_identity, state, now) => ({
      ...gen2Inputs(state),
      ...Object.fromEntries(
        state.relays.map((relay, id) => [`switch:${id}`, gen2Switch(id, relay, state, now)]),
      ),
      ...gen2EthernetLink(state),
    }),
  }),
  gen2Model({
    code: 'SPDC-0D5PE',
    name: 'Shelly Pro RGBWW PM (rgbcct profile)',
    hostnamePrefix: 'shellyprorgbwwpm',
    // Light channel 0 is the RGB light, 1 the tunable white one; Gen2 lights dim by brightness.
    layout: { lights: { count: 2, mode: 'white', metered: true, colorTemp: true }, inputs: 5 },
    lightKeys: ['rgb:0', 'cct:0'],
    body: (_identity, state, now) => ({
      ...gen2Inputs(state),
      'rgb:0': gen2RgbLight(0, state.lights[0], state, now, RGBWW_SUPPLY_V),
      'cct:0': gen2CctLight(0, state.lights[1], state, now, RGBWW_SUPPLY_V),
      eth: { ip: null },
    }),
  }),
];

export function findModel(code: string): DeviceModel | undefined {
  return deviceModels.find((model) => model.code === code);
}
