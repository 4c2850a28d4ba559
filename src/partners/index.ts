// What other modules may use of this one (see .dependency-cruiser.cjs).
export { apiKeyScopes, grants } from './api-key';
export type { ApiKeyScope } from './api-key';
export { Public, RequireScope } from './api-key.guard';
export type { AuthenticatedRequest } from './api-key.guard';
export { ApiKeyStore } from './api-key.store';
export type { AuthenticatedKey } from './api-key.store';
export { partnerApiSchemas } from './api-schemas';
export { ConsentLinkSigner, partnerConsentLink } from './consent-link';
export { DEFAULT_PARTNER_ID, partnerId } from './partner';
export type { Partner } from './partner';
export { PartnerStore } from './partner.store';
export { PartnersModule } from './partners.module';
