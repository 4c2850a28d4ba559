import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, type ErrorCode } from '../common';
import { Metrics } from '../observability';
import { ApiKeyScope, grants } from './api-key';
import { ApiKeyStore, AuthenticatedKey } from './api-key.store';

const SCOPE_METADATA = 'api-key-scope';

/** Marks a route (or controller) as needing an API key with this scope. */
export const RequireScope = (scope: ApiKeyScope) => SetMetadata(SCOPE_METADATA, scope);

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  apiKey?: AuthenticatedKey;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly metrics: Metrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(SCOPE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedKey(request.headers);
    if (!presented) {
      throw this.unauthenticated(
        'api_key_missing',
        'an API key is required: Authorization: Bearer <key> or X-API-Key',
      );
    }
    const key = await this.keys.authenticate(presented);
    if (key === 'expired') throw this.unauthenticated('api_key_expired', 'the API key has expired');
    if (!key) throw this.unauthenticated('api_key_invalid', 'the API key is unknown or revoked');
    // Set before the scope check: an attempt refused for scope is still audited under its key.
    request.apiKey = key;
    if (!grants(key.scopes, scope)) {
      throw new DomainError('api_key_scope_missing', `this API key lacks the ${scope} scope`);
    }
    return true;
  }

  /** A caller without a valid key gets an answer and a count, and nothing is written for it. */
  private unauthenticated(code: ErrorCode, message: string): DomainError {
    this.metrics.unauthenticatedRequests.inc({ reason: code });
    return new DomainError(code, message);
  }
}

function presentedKey(headers: AuthenticatedRequest['headers']): string | undefined {
  const authorization = headers.authorization;
  // The auth scheme is case-insensitive (RFC 9110 11.1).
  const bearer = typeof authorization === 'string' ? /^bearer\s+(.+)$/i.exec(authorization) : null;
  if (bearer) return bearer[1].trim();
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
