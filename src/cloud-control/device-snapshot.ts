import { hexReading, toDecimalDeviceId } from '../common';
import type { JsonObject, ParsedFrame } from '../normalize';
import type { DeviceState, ListedDevice } from './cloud-control-answers';

/** One device of an account as the Cloud Control API reports it at one moment. */
export interface DeviceSnapshot {
  /** Hex (lowercase) as the HTTP API names it, or an `X…` id. */
  id: string;
  model: string | null;
  /** `G1`, `G2`, ... as the cloud states it. */
  gen: string | null;
  online: boolean;
  /** The whole status; null when the answer carried none (an offline device, a list entry). */
  status: JsonObject | null;
}

/**
 * The account's devices from its device list and the v2 `get` answers: a device the `get` answered
 * for takes its state from there; one it left out keeps what the list says, without a status. Ids
 * that are neither hex nor `X…` are left out: nothing downstream could name them.
 */
export function deviceSnapshots(
  listed: Record<string, ListedDevice>,
  states: readonly DeviceState[],
): DeviceSnapshot[] {
  const answered = new Map<string, DeviceSnapshot>();
  for (const state of states) {
    const id = hexReading(state.id);
    if (id === undefined) continue;
    answered.set(id, {
      id,
      model: state.code ?? null,
      gen: state.gen ?? null,
      online: state.online,
      status: state.status ?? null,
    });
  }
  const snapshots: DeviceSnapshot[] = [];
  for (const [listedId, device] of Object.entries(listed)) {
    const id = hexReading(listedId);
    if (id === undefined) continue;
    snapshots.push(
      answered.get(id) ?? {
        id,
        model: device.type ?? null,
        gen: device.gen ?? null,
        online: device.cloud_online ?? false,
        status: null,
      },
    );
  }
  return snapshots;
}

/** The hex ids of a device list that a v2 `get` can be asked about. */
export function listedIds(listed: Record<string, ListedDevice>): string[] {
  return Object.keys(listed).flatMap((key) => hexReading(key) ?? []);
}

/**
 * A snapshot as the frames a Real Time Events socket would carry for it (protocol 4.3): `Shelly:Online`,
 * then `Shelly:StatusOnChange` when there is a status. The device id is decimal, as on the socket,
 * so that the normalizer reads it the one way.
 */
export function snapshotFrames(snapshot: DeviceSnapshot): ParsedFrame[] {
  const device: JsonObject = { id: toDecimalDeviceId(snapshot.id) ?? snapshot.id };
  if (snapshot.model !== null) device.code = snapshot.model;
  if (snapshot.gen !== null) device.gen = snapshot.gen;
  const frames: ParsedFrame[] = [
    {
      kind: 'parsed',
      event: 'Shelly:Online',
      frame: { event: 'Shelly:Online', device, online: snapshot.online ? 1 : 0 },
    },
  ];
  if (snapshot.status !== null) {
    frames.push({
      kind: 'parsed',
      event: 'Shelly:StatusOnChange',
      frame: { event: 'Shelly:StatusOnChange', device, status: snapshot.status },
    });
  }
  return frames;
}

/** Ids in pages of the v2 `get`'s ten at most. */
export function pagesOf<T>(items: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    pages.push(items.slice(start, start + size));
  }
  return pages;
}
