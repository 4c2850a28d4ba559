/** Stable error codes of the HTTP API, each with the status it answers with. */
export const errorStatus = {
  invalid_json: 400,
  invalid_body: 400,
  invalid_idempotency_key: 400,
  api_key_missing: 401,
  api_key_invalid: 401,
  api_key_expired: 401,
  api_key_scope_missing: 403,
  route_not_public: 403,
  trust_header_missing: 401,
  trust_token_invalid: 401,
  trust_token_expired: 401,
  trust_wrong_integrator: 403,
  trust_device_mismatch: 403,
  host_not_allowed: 403,
  consent_link_invalid: 403,
  account_link_invalid: 400,
  account_link_expired: 400,
  account_code_invalid: 400,
  account_not_found: 404,
  not_found: 404,
  partner_not_found: 404,
  method_not_allowed: 405,
  device_not_found: 404,
  consent_read_only: 403,
  rpc_method_not_allowed: 403,
  device_offline: 409,
  partner_exists: 409,
  trust_token_reused: 409,
  trust_token_superseded: 409,
  idempotency_key_in_progress: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  rpc_unsupported: 422,
  rate_limited: 429,
  internal_error: 500,
  device_refused: 502,
  rpc_error: 502,
  shelly_unreachable: 502,
  account_link_refused: 502,
  host_session_down: 503,
  control_unavailable: 503,
  consent_links_unconfigured: 503,
  accounts_not_configured: 503,
  database_unavailable: 503,
  shutting_down: 503,
  command_timeout: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface DomainErrorExtras {
  /**
   * Shelly's or the device's own words for a refusal (`data.res`, an `Error` frame's message, an RPC
   * error), passed on verbatim as `reason`.
   */
  reason?: string;
  /** The code of a Gen2+ RPC error object, passed on as `rpcCode`. */
  rpcCode?: number;
  /** Seconds after which a retry may succeed; sent as the `Retry-After` header. */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extras: DomainErrorExtras = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
