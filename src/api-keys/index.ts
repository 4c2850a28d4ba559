// What other modules may use of this one (see .dependency-cruiser.cjs).
export { apiKeyScopes } from './api-key';
export type { ApiKeyScope } from './api-key';
export { RequireScope } from './api-key.guard';
export type { AuthenticatedRequest } from './api-key.guard';
export { ApiKeyStore } from './api-key.store';
export type { AuthenticatedKey } from './api-key.store';
export { ApiKeysModule } from './api-keys.module';
export { apiKeyApiSchemas } from './api-schemas';
