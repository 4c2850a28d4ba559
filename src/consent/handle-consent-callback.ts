import { Injectable } from '@nestjs/common';
import { DomainError } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { Metrics } from '../observability';
import { OutboxRelay } from '../publish';
import { hostMatcher } from '../shelly';
import { parseConsentCallback } from './consent';
import { ConsentCache } from './consent-cache';
import { AppliedConsentChange, ConsentStore } from './consent.store';
import { SclTrustVerifier } from './scl-trust.verifier';

/**
 * Shelly's consent callback, end to end: the signature is checked before the body is believed; the
 * body must name the device the token was issued for and a host we trust; the change is durable
 * before the caller hears 200.
 */
@Injectable()
export class HandleConsentCallback {
  private readonly hostAllowed: (host: string) => boolean;
  private readonly consentTopic: string;

  constructor(
    private readonly verifier: SclTrustVerifier,
    private readonly store: ConsentStore,
    private readonly cache: ConsentCache,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    @InjectConfig() config: AppConfig,
  ) {
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
    this.consentTopic = config.kafka.topics.consent;
  }

  async execute(trustHeader: string | undefined, rawBody: unknown): Promise<AppliedConsentChange> {
    try {
      const applied = await this.apply(trustHeader, rawBody);
      this.metrics.consentCallbacks.inc({ outcome: applied.change });
      return applied;
    } catch (error) {
      this.metrics.consentCallbacks.inc({
        outcome: error instanceof DomainError ? error.code : 'internal_error',
      });
      throw error;
    }
  }

  private async apply(
    trustHeader: string | undefined,
    rawBody: unknown,
  ): Promise<AppliedConsentChange> {
    const verification = await this.verifier.verify(trustHeader);
    const callback = parseConsentCallback(rawBody);
    if (callback.deviceId !== verification.deviceId) {
      throw new DomainError(
        'trust_device_mismatch',
        'the SCL-Trust token was issued for another device',
      );
    }
    if (!this.hostAllowed(callback.host)) {
      throw new DomainError(
        'host_not_allowed',
        `host ${callback.host} is not in the allowed Shelly hosts`,
      );
    }
    const applied = await this.store.apply(callback, {
      rawBody,
      verification,
      topic: this.consentTopic,
    });
    if (applied.change !== 'unchanged') {
      this.cache.set(callback.deviceId, applied.consent);
      this.relay.wake();
    }
    return applied;
  }
}
