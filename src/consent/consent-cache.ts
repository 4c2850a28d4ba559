import { Injectable } from '@nestjs/common';
import { Consent } from './consent';

export type HostSetListener = (change: { host: string; present: boolean }) => void;

/**
 * The consent of every device, in memory, for the ingest path and the control gate. It also keeps
 * the host set: the Shelly hosts holding at least one consented device. A host appears with its
 * first device and disappears with its last; listeners hear of both.
 */
@Injectable()
export class ConsentCache {
  private readonly consents = new Map<string, Consent>();
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

  /** Records the current consent of one device; `null` means it has none. */
  set(deviceId: string, consent: Consent | null): void {
    const before = this.consents.get(deviceId);
    this.changes++;
    if (consent) this.consents.set(deviceId, consent);
    else this.consents.delete(deviceId);
    if (before?.host !== consent?.host) {
      if (consent) this.countHost(consent.host, +1);
      if (before) this.countHost(before.host, -1);
    }
  }

  /** Replaces everything, e.g. after (re)connecting to the database; host listeners hear the difference. */
  replaceAll(consents: readonly Consent[]): void {
    const next = new Map(consents.map((c) => [c.deviceId, c]));
    for (const deviceId of [...this.consents.keys()])
      if (!next.has(deviceId)) this.set(deviceId, null);
    for (const [deviceId, consent] of next) this.set(deviceId, consent);
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
