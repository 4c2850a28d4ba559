import { Injectable } from '@nestjs/common';
import { DomainError } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { LinkStateSigner } from './link-state';
import { TokenCipher } from './token-cipher';

/** The path of the OAuth redirect URI, under CONSENT_CALLBACK_BASE_URL. */
export const REDIRECT_PATH = '/v1/accounts/oauth/callback';

export interface AccountsReady {
  clientId: string;
  redirectUri: string;
  cipher: TokenCipher;
}

/**
 * Whether accounts can be linked: that needs an OAuth client id, a public URL for the redirect
 * URI and a token key (the configuration requires the other two once the client id is set). The
 * service starts without them; linking then answers 503.
 */
@Injectable()
export class AccountsSetup {
  readonly signer: LinkStateSigner;
  private readonly ready: AccountsReady | null;

  constructor(@InjectConfig() config: AppConfig) {
    this.signer = new LinkStateSigner(config.apiKeys.pepper);
    const { clientId, tokenKeys } = config.accounts;
    const baseUrl = config.consent.callbackBaseUrl;
    this.ready =
      clientId !== null && baseUrl !== null && tokenKeys.length > 0
        ? {
            clientId,
            redirectUri: `${baseUrl}${REDIRECT_PATH}`,
            cipher: new TokenCipher(tokenKeys),
          }
        : null;
  }

  get configured(): boolean {
    return this.ready !== null;
  }

  require(): AccountsReady {
    if (!this.ready) {
      throw new DomainError(
        'accounts_not_configured',
        'linking accounts needs SHELLY_OAUTH_CLIENT_ID, ACCOUNT_TOKEN_KEYS and CONSENT_CALLBACK_BASE_URL',
      );
    }
    return this.ready;
  }
}
