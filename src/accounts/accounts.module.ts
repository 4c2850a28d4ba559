import { Module } from '@nestjs/common';
import { PublishModule } from '../publish';
import { AccountLinking } from './account-linking';
import { AccountRedirectController } from './account-redirect.controller';
import { AccountTokenRenewal } from './account-token-renewal';
import { AccountsController } from './accounts.controller';
import { AccountsSetup } from './accounts-setup';
import { LinkedAccounts } from './linked-accounts';
import { LinkedAccountsStore } from './linked-accounts.store';
import { ShellyOAuthClient } from './shelly-oauth.client';

/**
 * Shelly accounts linked to partners through OAuth: the links, the redirect, the sealed tokens and
 * their renewal. Exports `LinkedAccounts` for sessions per account.
 */
@Module({
  imports: [PublishModule],
  controllers: [AccountsController, AccountRedirectController],
  providers: [
    AccountsSetup,
    AccountLinking,
    AccountTokenRenewal,
    LinkedAccounts,
    LinkedAccountsStore,
    ShellyOAuthClient,
  ],
  exports: [LinkedAccounts],
})
export class AccountsModule {}
