import { Injectable } from '@nestjs/common';
import { type LinkedAccount, LinkedAccounts } from '../accounts';
import type { CloudControlAccount } from '../cloud-control';
import { type AppConfig, InjectConfig } from '../config';

/** A linked account as the Cloud Control client needs it: its home server's URL and its token. */
@Injectable()
export class AccountApi {
  constructor(
    private readonly accounts: LinkedAccounts,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  of(account: LinkedAccount): CloudControlAccount {
    return {
      id: account.id,
      apiUrl: this.config.accounts.apiUrlTemplate.replace(
        '{host}',
        encodeURIComponent(account.apiHost),
      ),
      accessToken: async () => {
        const token = await this.accounts.accessToken(account.id);
        if (token === null) throw new Error('the account is no longer linked');
        return token;
      },
    };
  }
}
