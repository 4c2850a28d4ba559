import { Injectable } from '@nestjs/common';
import { OutboxRelay, TopicRouter } from '../publish';
import { Consent } from './consent';
import { ConsentCache } from './consent-cache';
import { AppliedConsentChange, ConsentStore, UpstreamChange } from './consent.store';

/**
 * A consent change that Shelly's cloud reported outside a callback (a resync's `DeviceVerify`, an
 * `unsubscribe_device`): stored like a callback's, then known to this instance at once and to the
 * others through the notification. `source` goes to the history; `eventSource` is the CloudEvents
 * source of its events (the host's session for a resync, the control API for an unsubscribe).
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
    eventSource: string,
  ): Promise<AppliedConsentChange> {
    const applied = await this.store.applyUpstream(seen, change, {
      source,
      eventSource,
      topics: this.topics,
    });
    if (applied.version !== null) {
      this.cache.set(seen.deviceId, applied.consent, applied.version);
      this.relay.wake();
    }
    return applied;
  }
}
