import { Injectable } from '@nestjs/common';
import { type LinkedAccount, LinkedAccounts } from '../accounts';
import { chooseReading, decimalReading, hexReading } from '../common';
import { type Consent, ConsentCache, type ConsentScope } from '../consent';
import { accountSessionKey } from '../shelly';
import { DeviceStateStore, type KnownMeasurement } from '../device-state';

/**
 * What lets a partner reach a device: its consent, or the linked account that owns it, in the shape
 * of a consent (the account's user, scope, host and link time).
 */
export interface DeviceGrant extends Consent {
  /** The session its commands go through: the consent's host, or the account's session key. */
  sessionKey: string;
  /** The linked account, for a device reached through one; else null. */
  accountId: string | null;
}

/** A device as partner systems see it: what grants it and its last known state. */
export interface DeviceView {
  id: string;
  ownerUserId: number;
  partnerId: string;
  type: string | null;
  code: string | null;
  scope: ConsentScope;
  host: string;
  names: string[];
  account: string | null;
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
 * Reads consent and linked accounts from their in-memory caches and state from the ingest stream; no
 * database round trip. A partner's key sees its partner's devices only: any other device is not
 * there for it. A device both consented and on a linked account of the partner is reached through
 * its consent.
 */
@Injectable()
export class DeviceDirectory {
  private sortedIds = new Map<Viewer, string[]>();
  private sortedAt = '';

  constructor(
    private readonly consents: ConsentCache,
    private readonly accounts: LinkedAccounts,
    private readonly states: DeviceStateStore,
  ) {}

  get(deviceId: string, viewer: Viewer): DeviceView | undefined {
    const grant = this.grant(deviceId, viewer);
    return grant && this.view(grant);
  }

  /**
   * The device a path names: hex first, as the API shows ids. Of a string that reads both ways (6 or
   * 12 digits), the decimal reading wins when only it names a device the viewer sees.
   */
  readDeviceId(pathId: string, viewer: Viewer): string | undefined {
    return chooseReading(
      hexReading(pathId),
      decimalReading(pathId),
      (id) => this.grant(id, viewer) !== undefined,
    );
  }

  /** What grants the viewer the device: its consent, else a linked account of the viewer's. */
  grant(deviceId: string, viewer: Viewer): DeviceGrant | undefined {
    const consent = this.consent(deviceId, viewer);
    if (consent) return { ...consent, sessionKey: consent.host, accountId: null };
    const account = this.accounts
      .accountsOf(deviceId)
      .find((linked) => viewer === null || linked.partnerId === viewer);
    return account && this.accountGrant(deviceId, account);
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
      const grant = this.grant(ids[index], query.viewer);
      if (!grant) continue;
      if (query.scope !== undefined && grant.scope !== query.scope) continue;
      if (query.host !== undefined && grant.host !== query.host) continue;
      devices.push(this.view(grant));
    }
    const more = index < ids.length && devices.length === query.limit;
    return { devices, next: more ? devices[devices.length - 1].id : null };
  }

  /** The viewer's device ids in order, re-sorted only after consent or the accounts changed. */
  private ids(viewer: Viewer): string[] {
    const version = `${this.consents.version} ${this.accounts.version}`;
    if (this.sortedAt !== version) {
      const byPartner = new Map<Viewer, Set<string>>([[null, new Set()]]);
      const add = (partnerId: string, deviceId: string) => {
        byPartner.get(null)!.add(deviceId);
        const ids = byPartner.get(partnerId);
        if (ids) ids.add(deviceId);
        else byPartner.set(partnerId, new Set([deviceId]));
      };
      for (const consent of this.consents.values()) add(consent.partnerId, consent.deviceId);
      for (const { account, device } of this.accounts.devices()) {
        add(account.partnerId, device.deviceId);
      }
      this.sortedIds = new Map([...byPartner].map(([partner, ids]) => [partner, [...ids].sort()]));
      this.sortedAt = version;
    }
    return this.sortedIds.get(viewer) ?? [];
  }

  private accountGrant(deviceId: string, account: LinkedAccount): DeviceGrant {
    const device = this.accounts.device(account.id, deviceId);
    return {
      deviceId,
      ownerUserId: account.shellyUserId,
      deviceType: null,
      deviceCode: device?.model ?? null,
      scope: account.scope,
      host: account.apiHost,
      channelNames: [],
      partnerId: account.partnerId,
      grantedAt: account.linkedAt,
      updatedAt: account.updatedAt,
      sessionKey: accountSessionKey(account.id),
      accountId: account.id,
    };
  }

  private view(grant: DeviceGrant): DeviceView {
    const state = this.states.get(grant.deviceId);
    return {
      id: grant.deviceId,
      ownerUserId: grant.ownerUserId,
      partnerId: grant.partnerId,
      type: grant.deviceType,
      code: grant.deviceCode,
      scope: grant.scope,
      host: grant.host,
      names: grant.channelNames,
      account: grant.accountId,
      grantedAt: grant.grantedAt.toISOString(),
      updatedAt: grant.updatedAt.toISOString(),
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
