import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DomainError, hostMatcher } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { InjectRootLogger } from '../observability';
import { OutboxRelay, TopicRouter } from '../publish';
import { AccountsSetup } from './accounts-setup';
import type { AccountScope } from './link-state';
import type { LinkedAccount } from './linked-account';
import { LinkedAccountsStore } from './linked-accounts.store';
import { readCode, readGrant, renewalDue } from './oauth-grant';
import { ShellyOAuthClient } from './shelly-oauth.client';

/** How long a link may wait for its user. */
export const LINK_TTL_MS = 10 * 60_000;

export interface AccountLink {
  /** Shelly's login page, for the partner to send its user to. */
  url: string;
  partnerId: string;
  scope: AccountScope;
  expiresAt: Date;
}

/** What Shelly's redirect brings back in its query string. */
export interface RedirectQuery {
  code?: unknown;
  state?: unknown;
}

/**
 * The OAuth authorization-code flow (protocol 4.1): a link to Shelly's login page whose `state`
 * names the partner and the scope, then the redirect that brings the code, which is exchanged on
 * the account's home server for the access token the service keeps.
 */
@Injectable()
export class AccountLinking {
  private readonly hostAllowed: (host: string) => boolean;
  private readonly log: Logger;

  constructor(
    private readonly setup: AccountsSetup,
    private readonly store: LinkedAccountsStore,
    private readonly oauth: ShellyOAuthClient,
    private readonly relay: OutboxRelay,
    private readonly topics: TopicRouter,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() logger: Logger,
  ) {
    this.hostAllowed = hostMatcher(config.consent.hostAllowlist);
    this.log = logger.child({ component: 'account-linking' });
  }

  async createLink(partnerId: string, scope: AccountScope): Promise<AccountLink> {
    const { clientId, redirectUri } = this.setup.require();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
    const { state, nonce } = this.setup.signer.issue(partnerId, scope, expiresAt);
    await this.store.addLinkState(nonce, partnerId, expiresAt);
    const query = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, state });
    return {
      url: `${this.config.accounts.loginUrl}?${query.toString()}`,
      partnerId,
      scope,
      expiresAt,
    };
  }

  /**
   * The state is checked and used up before the code is believed; the code goes only to a Shelly
   * host (see `readCode`). A used state cannot be used again, even when the exchange then fails.
   */
  async completeLink(query: RedirectQuery): Promise<LinkedAccount> {
    const { cipher } = this.setup.require();
    const now = new Date();
    if (typeof query.state !== 'string') {
      throw new DomainError('account_link_invalid', 'the redirect carries no state');
    }
    const link = this.setup.signer.verify(query.state, now);
    if (typeof query.code !== 'string' || query.code === '') {
      throw new DomainError('account_code_invalid', 'the redirect carries no code');
    }
    const claims = readCode(query.code, this.hostAllowed);
    if (!(await this.store.useLinkState(link.nonce, link.partnerId, now))) {
      throw new DomainError('account_link_invalid', 'the link was used before');
    }
    const answer = await this.oauth.exchangeCode(claims.apiHost, query.code);
    if (answer.kind === 'unreachable') {
      throw new DomainError('shelly_unreachable', `Shelly's /oauth/auth did not answer`);
    }
    if (answer.kind === 'refused') {
      throw new DomainError(
        'account_link_refused',
        `Shelly refused the code (HTTP ${answer.status})`,
      );
    }
    const grant = readGrant(answer.body, claims.userId, now);
    const account = await this.store.link(
      {
        partnerId: link.partnerId,
        shellyUserId: claims.userId,
        apiHost: claims.apiHost,
        scope: link.scope,
      },
      {
        seal: (accountId) => cipher.seal(grant.accessToken, accountId),
        expiresAt: grant.expiresAt,
        renewAfter: renewalDue(now, grant.expiresAt),
      },
      this.topics,
      now,
    );
    this.relay.wake();
    this.log.info(
      { accountId: account.id, partnerId: account.partnerId, host: account.apiHost },
      'Shelly account linked',
    );
    return account;
  }

  /** Unlinks the account: its token is deleted with it. `partnerId` null: any partner's (admin). */
  async unlink(id: string, partnerId: string | null): Promise<LinkedAccount> {
    const account = await this.store.unlink(id, partnerId, this.topics, new Date());
    if (!account) throw notFound(id);
    this.relay.wake();
    this.log.info({ accountId: id, partnerId: account.partnerId }, 'Shelly account unlinked');
    return account;
  }
}

export function notFound(id: string): DomainError {
  return new DomainError('account_not_found', `no linked account ${id.slice(0, 64)}`);
}
