import { Injectable } from '@nestjs/common';
import type { DeviceEvent, Measurement } from '../normalize';

/** A measurement with the time the device last reported it. */
export type KnownMeasurement = Measurement & { time: string };

export interface DeviceStateView {
  /** `null` until the device has reported since this instance started, here or on another replica. */
  online: boolean | null;
  lastSeenAt: string | null;
  measurements: KnownMeasurement[];
}

/** A reading and when the device reported it. */
interface Reading {
  measurement: Measurement;
  at: number;
}

interface DeviceEntry {
  online: boolean | null;
  lastSeenAt: number;
  /** Everything reported before `latest`, one entry per component, channel, phase and metric. */
  merged?: Map<string, Reading>;
  /** The most recent status, kept as received until a status of another shape arrives. */
  latest?: Measurement[];
  latestAt: number;
}

const unknown: DeviceStateView = { online: null, lastSeenAt: null, measurements: [] };

/**
 * The last known state of every device seen on the ingest stream since start, or adopted from what
 * another replica published: online flag and measurements. Statuses may be partial (protocol 2.5),
 * so a reading stays until the device reports that same reading again; a component missing from a
 * status is never read as gone or off.
 *
 * Recording runs on the ingest hot path. Devices mostly repeat a status of the same shape, which
 * only swaps one array reference; merging by key happens when the shape changes or on read.
 */
@Injectable()
export class DeviceStateStore {
  private readonly devices = new Map<string, DeviceEntry>();
  private changed = new Set<string>();

  record(event: DeviceEvent, at: number): void {
    this.changed.add(event.device.id);
    let entry = this.devices.get(event.device.id);
    if (!entry) {
      entry = { online: null, lastSeenAt: at, latestAt: at };
      this.devices.set(event.device.id, entry);
    }
    entry.lastSeenAt = at;
    if (event.type === 'device.online.v1') {
      entry.online = event.online;
    } else if (event.type === 'device.status.v1') {
      // Only a device that is connected reports its status.
      entry.online = true;
      recordStatus(entry, event.measurements, at);
    }
  }

  get(deviceId: string): DeviceStateView {
    const entry = this.devices.get(deviceId);
    if (!entry) return unknown;
    return {
      online: entry.online,
      lastSeenAt: new Date(entry.lastSeenAt).toISOString(),
      measurements: knownMeasurements(entry),
    };
  }

  isOnline(deviceId: string): boolean | null {
    return this.devices.get(deviceId)?.online ?? null;
  }

  /**
   * Takes a state another replica published (the latest-state topic) reading by reading: of each
   * reading, and of the online flag, the later one wins. So a record that arrives late, twice or out
   * of order changes nothing, and never undoes what this instance's own sessions reported since.
   * Never marked changed: it is the other replica's to publish, and publishing it here again would
   * send it round the replicas for ever. Answers whether anything was new.
   */
  adopt(deviceId: string, state: DeviceStateView): boolean {
    if (state.lastSeenAt === null) return false;
    const seenAt = Date.parse(state.lastSeenAt);
    let entry = this.devices.get(deviceId);
    let changed = false;
    if (!entry) {
      entry = { online: state.online, lastSeenAt: seenAt, latestAt: seenAt };
      this.devices.set(deviceId, entry);
      changed = true;
    } else if (seenAt > entry.lastSeenAt) {
      entry.online = state.online;
      entry.lastSeenAt = seenAt;
      changed = true;
    }
    for (const { time, ...measurement } of state.measurements) {
      const at = Date.parse(time);
      if (at <= (readingTime(entry, measurement) ?? -Infinity)) continue;
      foldLatest(entry).set(keyOf(measurement), { measurement, at });
      changed = true;
    }
    return changed;
  }

  /** Drops what is known of a device, e.g. once its consent is revoked. */
  forget(deviceId: string): void {
    this.devices.delete(deviceId);
    this.changed.delete(deviceId);
  }

  /** The devices recorded since the last call, each once, and forgets them. */
  takeChanged(): string[] {
    const changed = [...this.changed];
    this.changed = new Set();
    return changed;
  }
}

function recordStatus(entry: DeviceEntry, measurements: Measurement[], at: number): void {
  if (entry.latest && !sameShape(entry.latest, measurements)) {
    entry.merged ??= new Map();
    for (const measurement of entry.latest) {
      entry.merged.set(keyOf(measurement), { measurement, at: entry.latestAt });
    }
  }
  entry.latest = measurements;
  entry.latestAt = at;
}

/** When the device last reported this reading, as far as `entry` knows. */
function readingTime(entry: DeviceEntry, measurement: Measurement): number | undefined {
  const key = keyOf(measurement);
  if (entry.latest?.some((m) => keyOf(m) === key)) return entry.latestAt;
  return entry.merged?.get(key)?.at;
}

/** Moves the latest status into the merged readings, for them to be changed one by one. */
function foldLatest(entry: DeviceEntry): Map<string, Reading> {
  const merged = (entry.merged ??= new Map<string, Reading>());
  for (const measurement of entry.latest ?? []) {
    merged.set(keyOf(measurement), { measurement, at: entry.latestAt });
  }
  entry.latest = undefined;
  return merged;
}

function knownMeasurements(entry: DeviceEntry): KnownMeasurement[] {
  const all = new Map(entry.merged);
  for (const measurement of entry.latest ?? []) {
    all.set(keyOf(measurement), { measurement, at: entry.latestAt });
  }
  const times = new Map<number, string>();
  return [...all.values()].map(({ measurement, at }) => {
    let time = times.get(at);
    if (time === undefined) {
      time = new Date(at).toISOString();
      times.set(at, time);
    }
    return { ...measurement, time };
  });
}

function keyOf(m: Measurement): string {
  return `${m.component}|${m.channel}|${m.phase ?? ''}|${m.metric}`;
}

function sameShape(a: readonly Measurement[], b: readonly Measurement[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      x.metric !== y.metric ||
      x.channel !== y.channel ||
      x.component !== y.component ||
      x.phase !== y.phase
    )
      return false;
  }
  return true;
}
