import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger, Metrics } from '../observability';
import { OutboxRelay, TopicRouter } from '../publish';
import { AccountsSetup } from './accounts-setup';
import { ClaimedRenewal, LinkedAccountsStore } from './linked-accounts.store';
import { readGrant, renewalDue } from './oauth-grant';
import { ShellyOAuthClient } from './shelly-oauth.client';

/** How long a claimed renewal is this replica's: a failed one is tried again after it. */
const CLAIM_MS = 60_000;
/** Renewed side by side, each a request to the account's own home server. */
const CLAIMS_PER_PASS = 50;

/**
 * Renews access tokens before they expire (protocol 4.2: `grant_type=refresh_token` with the
 * current token, which works only while it is valid). Every replica runs a pass periodically; each
 * due account is claimed by one of them (`claimRenewals`). Shelly refusing a renewal marks the
 * account `relink_required`; no answer is tried again after the claim lapses. Each pass also forgets
 * expired link states and counts the accounts by status.
 */
@Injectable()
export class AccountTokenRenewal implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly setup: AccountsSetup,
    private readonly store: LinkedAccountsStore,
    private readonly oauth: ShellyOAuthClient,
    private readonly relay: OutboxRelay,
    private readonly topics: TopicRouter,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'account-token-renewal' });
  }

  onModuleInit(): void {
    if (!this.setup.configured) return;
    this.timer = setInterval(() => {
      this.running ??= this.pass().finally(() => (this.running = undefined));
    }, this.config.accounts.renewalCheckMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async pass(): Promise<void> {
    const now = new Date();
    try {
      const claims = await this.store.claimRenewals(now, CLAIM_MS, CLAIMS_PER_PASS);
      await Promise.all(
        claims.map((claim) =>
          this.renew(claim, now).catch((error: unknown) => {
            this.metrics.accountTokenRenewals.inc({ outcome: 'failed' });
            this.log.warn(
              { err: error, accountId: claim.account.id },
              'account token renewal failed; trying again later',
            );
          }),
        ),
      );
      await this.store.purgeLinkStates(now);
      const counts = await this.store.countByStatus();
      for (const [status, count] of Object.entries(counts)) {
        this.metrics.accounts.set({ status }, count);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'account token renewal pass failed; trying again later');
    }
  }

  private async renew(claim: ClaimedRenewal, now: Date): Promise<void> {
    const { account } = claim;
    const { cipher } = this.setup.require();
    const answer = await this.oauth.renew(
      account.apiHost,
      cipher.open(claim.sealedToken, account.id),
    );
    if (answer.kind === 'unreachable') {
      throw new Error(`Shelly's /oauth/auth did not answer: ${answer.problem}`);
    }
    if (answer.kind === 'granted') {
      const grant = readGrant(answer.body, account.shellyUserId, now);
      await this.store.renewed(
        claim,
        {
          seal: (accountId) => cipher.seal(grant.accessToken, accountId),
          expiresAt: grant.expiresAt,
          renewAfter: renewalDue(now, grant.expiresAt),
        },
        now,
      );
      this.metrics.accountTokenRenewals.inc({ outcome: 'renewed' });
      return;
    }
    const relinked = await this.store.requireRelink(claim, 'renewal_refused', this.topics, now);
    this.metrics.accountTokenRenewals.inc({ outcome: 'refused' });
    if (!relinked) return;
    this.relay.wake();
    this.log.warn(
      { accountId: account.id, partnerId: account.partnerId, status: answer.status },
      'Shelly refused to renew an account token; the account needs a relink',
    );
  }
}
