import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { type ErrorCode, errorStatus } from '../common';
import { schemaRef } from './api-schemas';

export const BEARER_AUTH = 'bearer';
export const HEADER_AUTH = 'apiKey';

/** The route takes an API key, as `Authorization: Bearer` or `X-API-Key`; either will do. */
export const ApiKeyAuth = () =>
  applyDecorators(ApiBearerAuth(BEARER_AUTH), ApiSecurity(HEADER_AUTH));

/**
 * Errors every route guarded by an API key can answer. A key not verified in the last 2 s is looked
 * up in the database, so even a route that reads only memory can answer `database_unavailable`;
 * `rate_limited` comes after too many failed authentications from the client's address.
 */
const keyErrors: ErrorCode[] = [
  'api_key_missing',
  'api_key_invalid',
  'api_key_expired',
  'api_key_scope_missing',
  'rate_limited',
  'database_unavailable',
];

/** Errors of any route that reads a JSON body. */
export const bodyErrors: ErrorCode[] = ['invalid_json', 'invalid_body', 'payload_too_large'];

/** Errors whose answer carries `Retry-After`. */
const retryAfterErrors: ErrorCode[] = [
  'rate_limited',
  'idempotency_key_in_progress',
  'database_unavailable',
];

/**
 * Documents the error answers of a route, one response per status, each naming its codes. Every
 * route can also answer 503 `shutting_down` while the instance stops.
 */
export function ApiErrors(options: { auth?: boolean }, ...codes: ErrorCode[]) {
  const all = [...(options.auth === false ? [] : keyErrors), ...codes, 'shutting_down' as const];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(all)) {
    const status = errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, statusCodes]) =>
        ApiResponse({
          status,
          description: statusCodes.map((code) => `\`${code}\``).join(', '),
          schema: schemaRef('Error'),
          ...(statusCodes.some((code) => retryAfterErrors.includes(code))
            ? {
                headers: {
                  'Retry-After': {
                    description: 'Seconds until a retry may succeed.',
                    schema: { type: 'integer', minimum: 1 },
                  },
                },
              }
            : {}),
        }),
      ),
  );
}
