import { Injectable } from '@nestjs/common';
import { DomainError, hostMatcher, isDatabaseUnavailable } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { Metrics } from '../observability';
import { ConsentLinkSigner, DEFAULT_PARTNER_ID } from '../partners';
import { OutboxRelay, TopicRouter } from '../publish';
import { parseConsentCallback } from './consent';
import { ConsentCache } from './consent-cache';
import { AppliedConsentChange, ConsentStore } from './consent.store';
import { SclTrustVerifier } from './scl-trust.verifier';

/** The partner part of a callback path, as the consent link put it there. */
export interface SignedPartner {
  partnerId: string;
  signature: string;
}

/**
 * Shelly's consent callback, end to end: the partner path must carry the service's own signature
 * (the plain path stands for the default partner); the token's signature is checked before the body
 * is believed; the body must name the device the token was issued for and a host we trust; the
 * change is durable before the caller hears 200.
 */
@Injectable()
export class HandleConsentCallback {
  private readonly hostAllowed: (host: string) => boolean;

  constructor(
    private readonly verifier: SclTrustVerifier,
    private readonly links: ConsentLinkSigner,
    private readonly store: ConsentStore,
    private readonly cache: ConsentCache,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    private readonly topics: TopicRouter,
    @InjectConfig() config: AppConfig,
  ) {
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
  }

  /** `partner`: from a partner's consent link; absent for the plain path (the default partner). */
  async execute(
    trustHeader: string | undefined,
    rawBody: unknown,
    partner?: SignedPartner,
  ): Promise<AppliedConsentChange> {
    try {
      const applied = await this.apply(trustHeader, rawBody, this.partnerOf(partner));
      this.metrics.consentCallbacks.inc({ outcome: applied.change });
      return applied;
    } catch (error) {
      this.metrics.consentCallbacks.inc({ outcome: outcomeOf(error) });
      throw error;
    }
  }

  private partnerOf(partner: SignedPartner | undefined): string {
    if (!partner) return DEFAULT_PARTNER_ID;
    if (!this.links.verify(partner.partnerId, partner.signature)) {
      throw new DomainError(
        'consent_link_invalid',
        'the callback path does not carry a consent link signature of this service',
      );
    }
    return partner.partnerId;
  }

  private async apply(
    trustHeader: string | undefined,
    rawBody: unknown,
    partnerId: string,
  ): Promise<AppliedConsentChange> {
    const verification = await this.verifier.verify(trustHeader);
    const callback = parseConsentCallback(rawBody, partnerId, verification.deviceId);
    if (callback.deviceId !== verification.deviceId) {
      throw new DomainError(
        'trust_device_mismatch',
        'the SCL-Trust token was issued for another device',
      );
    }
    if (callback.action === 'add' && !this.hostAllowed(callback.host)) {
      throw new DomainError(
        'host_not_allowed',
        `host ${callback.host} is not in the allowed Shelly hosts`,
      );
    }
    const applied = await this.store.apply(callback, {
      rawBody,
      verification,
      topics: this.topics,
    });
    if (applied.version !== null) {
      this.cache.set(callback.deviceId, applied.consent, applied.version);
      this.relay.wake();
    }
    return applied;
  }
}

/** The metric's label for a callback that failed: its error code, from a closed set. */
function outcomeOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  return isDatabaseUnavailable(error) ? 'database_unavailable' : 'internal_error';
}
