// What other modules may use of this one (see .dependency-cruiser.cjs).
export { ApiErrors, ApiKeyAuth, BEARER_AUTH, bodyErrors, HEADER_AUTH } from './api-docs';
export { openApiSchemas, schemaRef } from './api-schemas';
export type { ApiSchemas } from './api-schemas';
export { consentScope, dateTime, deviceId, errorApiSchemas } from './schema-primitives';
