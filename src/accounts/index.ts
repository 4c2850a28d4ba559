// What other modules may use of this one (see .dependency-cruiser.cjs).
export { AccountsModule } from './accounts.module';
export { accountApiSchemas } from './api-schemas';
export type { AccountScope } from './link-state';
export type { AccountChange, AccountStatus, LinkedAccount } from './linked-account';
export type { AccountDevice } from './linked-accounts.store';
export { LinkedAccounts } from './linked-accounts';
export type { AccountChangeListener } from './linked-accounts';
