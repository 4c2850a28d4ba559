import { Injectable } from '@nestjs/common';
import { OutboxRelay, TopicRouter } from '../publish';
import { Consent } from './consent';
import { ConsentCache } from './consent-cache';
import { AppliedConsentChange, ConsentStore, UpstreamChange } from './consent.store';

/**
 * A consent change that Shelly's cloud reported outside a callback (a resync's `DeviceVerify`, an
 * `unsubscribe_device`): stored like a callback's, then known to this instance at once and to the
 * others through the notification.
 */
@Injectable()
export class RecordUpstreamChange {
  constructor(
    private readonly store: ConsentStore,
    private readonly cache: ConsentCache,
    private readonly relay: OutboxRelay,
    private readonly topics: TopicRouter,
  ) {}

  async execute(
    seen: Consent,
    change: UpstreamChange,
    source: Record<string, unknown>,
  ): Promise<AppliedConsentChange> {
    const applied = await this.store.applyUpstream(seen, change, { source, topics: this.topics });
    if (applied.version !== null) {
      this.cache.set(seen.deviceId, applied.consent, applied.version);
      this.relay.wake();
    }
    return applied;
  }
}
