import { Injectable } from '@nestjs/common';
import { Consent, VersionedConsent } from './consent';

export type HostSetListener = (change: { host: string; present: boolean }) => void;

/**
 * The consent of every device, in memory, for the ingest path and the control gate. Each change
 * carries its version, which grows per device in commit order, so that a change that arrives late
 * (a slow caller, a notice queued behind a reload) never overwrites a newer one. It also keeps the
 * host set: the Shelly hosts holding at least one consented device. A host appears with its first
 * device and disappears with its last; listeners hear of both, and of every device that gains or
 * loses its consent.
 */
@Injectable()
export class ConsentCache {
  private readonly consents = new Map<string, Consent>();
  /** The newest version seen per device, revoked devices included. */
  private readonly versions = new Map<string, number>();
  private readonly revokeListeners = new Set<(ended: Consent) => void>();
  private readonly grantListeners = new Set<(consent: Consent) => void>();
  private readonly devicesPerHost = new Map<string, number>();
  private readonly hostListeners = new Set<HostSetListener>();
  private changes = 0;

  get(deviceId: string): Consent | undefined {
    return this.consents.get(deviceId);
  }

  get size(): number {
    return this.consents.size;
  }

  /** Grows with every change, so that views derived from the cache know when to rebuild. */
  get version(): number {
    return this.changes;
  }

  values(): IterableIterator<Consent> {
    return this.consents.values();
  }

  hosts(): string[] {
    return [...this.devicesPerHost.keys()];
  }

  onHostSetChange(listener: HostSetListener): () => void {
    this.hostListeners.add(listener);
    return () => this.hostListeners.delete(listener);
  }

  /** Tells `listener` of every device that gains a consent while it had none. */
  onGrant(listener: (consent: Consent) => void): () => void {
    this.grantListeners.add(listener);
    return () => this.grantListeners.delete(listener);
  }

  /**
   * Hears every consent that ends for its partner: a revoke, or a move of the device to another
   * partner (whose grant listeners do not hear it: the device was consented all along).
   */
  onRevoke(listener: (ended: Consent) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /**
   * Records the consent of one device after the change of this version (`null`: it has none), unless
   * a newer change is known already. Answers whether it was recorded.
   */
  set(deviceId: string, consent: Consent | null, version: number): boolean {
    if (version < (this.versions.get(deviceId) ?? -Infinity)) return false;
    this.versions.set(deviceId, version);
    this.put(deviceId, consent);
    return true;
  }

  /**
   * Replaces everything with a snapshot of the database, e.g. after (re)connecting to it: a device
   * known in a newer version than the snapshot's keeps it; a device the snapshot lacks is dropped
   * (a grant newer than the snapshot comes back with its notice). Host listeners hear the difference.
   */
  replaceAll(snapshot: readonly VersionedConsent[]): void {
    const next = new Map(snapshot.map((entry) => [entry.consent.deviceId, entry]));
    for (const deviceId of [...this.consents.keys()]) {
      if (!next.has(deviceId)) this.put(deviceId, null);
    }
    for (const [deviceId, entry] of next) this.set(deviceId, entry.consent, entry.version);
  }

  private put(deviceId: string, consent: Consent | null): void {
    const before = this.consents.get(deviceId);
    this.changes++;
    if (consent) this.consents.set(deviceId, consent);
    else this.consents.delete(deviceId);
    if (before?.host !== consent?.host) {
      if (consent) this.countHost(consent.host, +1);
      if (before) this.countHost(before.host, -1);
    }
    if (before && before.partnerId !== consent?.partnerId) {
      for (const listener of this.revokeListeners) listener(before);
    }
    if (!before && consent) for (const listener of this.grantListeners) listener(consent);
  }

  private countHost(host: string, delta: number): void {
    const count = (this.devicesPerHost.get(host) ?? 0) + delta;
    if (count > 0) {
      this.devicesPerHost.set(host, count);
      if (count === 1 && delta > 0) this.emit(host, true);
    } else {
      this.devicesPerHost.delete(host);
      this.emit(host, false);
    }
  }

  private emit(host: string, present: boolean): void {
    for (const listener of this.hostListeners) listener({ host, present });
  }
}
