import { z } from 'zod';
import type { Consent } from '../consent';
import type { DeviceStateView, KnownMeasurement } from '../device-state';

/**
 * One device's record on the compacted `device-state` topic: everything known of it, merged, each
 * measurement with the time it was last reported. The latest record per key is the device's state;
 * a tombstone (no value) says its consent ended.
 */
export interface LatestState {
  type: 'device.state.v1';
  id: string;
  /** When this record was made; `lastSeenAt` and each measurement's `time` say how fresh it is. */
  time: string;
  partner: string;
  device: { id: string; model: string | null; owner: number; host: string };
  /** `null` until the device has reported. */
  online: boolean | null;
  lastSeenAt: string | null;
  measurements: KnownMeasurement[];
}

export const LATEST_STATE_TYPE = 'device.state.v1';

export function latestState(
  consent: Consent,
  view: DeviceStateView,
  meta: { id: string; time: string },
): LatestState {
  return {
    type: LATEST_STATE_TYPE,
    id: meta.id,
    time: meta.time,
    partner: consent.partnerId,
    device: {
      id: consent.deviceId,
      model: consent.deviceCode ?? consent.deviceType,
      owner: consent.ownerUserId,
      host: consent.host,
    },
    online: view.online,
    lastSeenAt: view.lastSeenAt,
    measurements: view.measurements,
  };
}

const VERSIONED_TYPE = /^device\.state\.v(\d+)$/;

const isoTime = z.iso.datetime({ offset: true });

const latestStateSchema = z.object({
  type: z.literal(LATEST_STATE_TYPE),
  id: z.string(),
  time: isoTime,
  partner: z.string(),
  device: z.object({
    id: z.string(),
    model: z.string().nullable(),
    owner: z.number(),
    host: z.string(),
  }),
  online: z.boolean().nullable(),
  lastSeenAt: isoTime.nullable(),
  // Components and metrics are open: a newer release may report one this one does not know yet.
  measurements: z.array(
    z.object({
      component: z.string(),
      channel: z.number().int(),
      phase: z.string().optional(),
      metric: z.string(),
      unit: z.string().optional(),
      value: z.union([z.number(), z.boolean(), z.string()]),
      time: isoTime,
    }),
  ),
});

export type ReadLatestState =
  | { kind: 'state'; state: LatestState }
  /** A record of a later version of the type, from a newer release during a rolling upgrade. */
  | { kind: 'unsupported'; type: string }
  | { kind: 'malformed'; problem: string };

/** A record's value read back: a `device.state.v1`, a later version of it, or what is not one. */
export function readLatestState(value: string): ReadLatestState {
  let body: unknown;
  try {
    body = JSON.parse(value);
  } catch {
    return { kind: 'malformed', problem: 'not JSON' };
  }
  const type = (body as { type?: unknown } | null)?.type;
  const version = typeof type === 'string' ? VERSIONED_TYPE.exec(type)?.[1] : undefined;
  if (version !== undefined && Number(version) > 1)
    return { kind: 'unsupported', type: type as string };
  const parsed = latestStateSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return { kind: 'malformed', problem: `${issue.path.join('.') || 'value'}: ${issue.message}` };
  }
  return { kind: 'state', state: parsed.data as LatestState };
}
