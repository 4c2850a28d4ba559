import { Injectable } from '@nestjs/common';
import { chooseReading, decimalReading, hexReading } from '../common';
import { type Consent, ConsentCache, type ConsentScope } from '../consent';
import { DeviceStateStore, type KnownMeasurement } from '../device-state';

/** A consented device as partner systems see it: its consent and its last known state. */
export interface DeviceView {
  id: string;
  ownerUserId: number;
  partnerId: string;
  type: string | null;
  code: string | null;
  scope: ConsentScope;
  host: string;
  names: string[];
  grantedAt: string;
  updatedAt: string;
  online: boolean | null;
  lastSeenAt: string | null;
  measurements: KnownMeasurement[];
}

/** Whose devices: one partner's, or every partner's (`null`: an admin key). */
export type Viewer = string | null;

export interface DeviceQuery {
  viewer: Viewer;
  limit: number;
  /** Only devices whose id sorts after this one: the `next` of the previous page. */
  after?: string;
  scope?: ConsentScope;
  host?: string;
}

export interface DevicePage {
  devices: DeviceView[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/**
 * Reads consent from the in-memory cache and state from the ingest stream; no database round trip.
 * A partner's key sees its partner's devices only: any other device is not there for it.
 */
@Injectable()
export class DeviceDirectory {
  private sortedIds = new Map<Viewer, string[]>();
  private sortedAt = -1;

  constructor(
    private readonly consents: ConsentCache,
    private readonly states: DeviceStateStore,
  ) {}

  get(deviceId: string, viewer: Viewer): DeviceView | undefined {
    const consent = this.consent(deviceId, viewer);
    return consent && this.view(consent);
  }

  /**
   * The device a path names: hex first, as the API shows ids. Of a string that reads both ways (6 or
   * 12 digits), the decimal reading wins when only it names a device the viewer sees.
   */
  readDeviceId(pathId: string, viewer: Viewer): string | undefined {
    return chooseReading(
      hexReading(pathId),
      decimalReading(pathId),
      (id) => this.consent(id, viewer) !== undefined,
    );
  }

  /** The device's consent, when the viewer may see the device. */
  consent(deviceId: string, viewer: Viewer): Consent | undefined {
    const consent = this.consents.get(deviceId);
    return consent && (viewer === null || consent.partnerId === viewer) ? consent : undefined;
  }

  list(query: DeviceQuery): DevicePage {
    const ids = this.ids(query.viewer);
    let index = query.after === undefined ? 0 : firstAfter(ids, query.after);
    const devices: DeviceView[] = [];
    for (; index < ids.length && devices.length < query.limit; index++) {
      const consent = this.consent(ids[index], query.viewer);
      if (!consent) continue;
      if (query.scope !== undefined && consent.scope !== query.scope) continue;
      if (query.host !== undefined && consent.host !== query.host) continue;
      devices.push(this.view(consent));
    }
    const more = index < ids.length && devices.length === query.limit;
    return { devices, next: more ? devices[devices.length - 1].id : null };
  }

  /** The viewer's device ids in order, re-sorted only after consent changed. */
  private ids(viewer: Viewer): string[] {
    if (this.sortedAt !== this.consents.version) {
      const all = [...this.consents.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
      this.sortedIds = new Map([[null, all.map((c) => c.deviceId)]]);
      for (const consent of all) {
        const ids = this.sortedIds.get(consent.partnerId);
        if (ids) ids.push(consent.deviceId);
        else this.sortedIds.set(consent.partnerId, [consent.deviceId]);
      }
      this.sortedAt = this.consents.version;
    }
    return this.sortedIds.get(viewer) ?? [];
  }

  private view(consent: Consent): DeviceView {
    const state = this.states.get(consent.deviceId);
    return {
      id: consent.deviceId,
      ownerUserId: consent.ownerUserId,
      partnerId: consent.partnerId,
      type: consent.deviceType,
      code: consent.deviceCode,
      scope: consent.scope,
      host: consent.host,
      names: consent.channelNames,
      grantedAt: consent.grantedAt.toISOString(),
      updatedAt: consent.updatedAt.toISOString(),
      online: state.online,
      lastSeenAt: state.lastSeenAt,
      measurements: state.measurements,
    };
  }
}

/** Index of the first id greater than `after` (binary search). */
function firstAfter(ids: readonly string[], after: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle] <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
