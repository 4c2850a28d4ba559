// What other modules may use of this one (see .dependency-cruiser.cjs).
export { consentApiSchemas } from './api-schemas';
export { scopeFromAccessGroups } from './consent';
export type { Consent, ConsentScope } from './consent';
export { ConsentCache } from './consent-cache';
export { ConsentSessionKeys } from './consent-session-keys';
export { ConsentCallbackModule, ConsentModule } from './consent.module';
export { ConsentStore } from './consent.store';
export type { UpstreamChange } from './consent.store';
export { RecordUpstreamChange } from './record-upstream-change';
