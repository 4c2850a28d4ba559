/** Stable error codes of the HTTP API, each with the status it answers with. */
export const errorStatus = {
  invalid_json: 400,
  invalid_body: 400,
  api_key_missing: 401,
  api_key_invalid: 401,
  api_key_scope_missing: 403,
  trust_header_missing: 401,
  trust_token_invalid: 401,
  trust_token_expired: 401,
  trust_wrong_integrator: 403,
  trust_device_mismatch: 403,
  host_not_allowed: 403,
  not_found: 404,
  payload_too_large: 413,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
