import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, type ErrorCode, LiveReplicas, RateLimiter } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { Metrics } from '../observability';
import { ApiKeyScope, grants } from './api-key';
import { ApiKeyStore, AuthenticatedKey } from './api-key.store';

const SCOPE_METADATA = 'api-key-scope';
const PUBLIC_METADATA = 'public-route';

/** Marks a route (or controller) as needing an API key with this scope. */
export const RequireScope = (scope: ApiKeyScope) => SetMetadata(SCOPE_METADATA, scope);

/**
 * Marks a route (or controller) that takes no API key: the consent callback, health, metrics. A
 * route with neither this nor `RequireScope` is refused, so a forgotten marker cannot open a route.
 */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The client's address, from `X-Forwarded-For` as far as TRUST_PROXY_HOPS trusts it. */
  ip?: string;
  apiKey?: AuthenticatedKey;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  /**
   * Failed authentications by client IP: a client guessing keys is refused before the database.
   * The load balancer spreads a client over the replicas, each of which counts its share.
   */
  private readonly failuresPerIp: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly metrics: Metrics,
    replicas: LiveReplicas,
    @InjectConfig() config: AppConfig,
  ) {
    this.failuresPerIp = replicas.limiter(config.apiKeys.failuresPerIp);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(
      SCOPE_METADATA,
      targets,
    );
    if (!scope) {
      if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, targets)) {
        return true;
      }
      throw new DomainError(
        'route_not_public',
        'this route declares neither an API key scope nor public access',
      );
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedKey(request.headers);
    if (!presented) {
      throw this.unauthenticated(
        'api_key_missing',
        'an API key is required: Authorization: Bearer <key> or X-API-Key',
      );
    }
    const ip = request.ip ?? '';
    const waitMs = this.failuresPerIp.waitMs(ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new DomainError(
        'rate_limited',
        `too many failed API key authentications from this address; retry in ${seconds} s`,
        { retryAfterSeconds: seconds },
      );
    }
    const key = await this.keys.authenticate(presented);
    if (key === 'expired' || !key) this.failuresPerIp.take(ip);
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
