import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DomainError } from '../common';
import { PrismaService } from '../database';
import { ApiKey, Prisma } from '../generated/prisma/client';
import { ApiKeyScope, issueKey, keyOwnershipProblem, parseKey, secretMatches } from './api-key';

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The partner whose key it is; `null` for admin keys. */
  partnerId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
  /** The admin key that created it; `null`: the command line. */
  createdBy: string | null;
  /** The admin key that revoked it; `null`: the command line, or not revoked. */
  revokedBy: string | null;
}

export interface AuthenticatedKey {
  id: string;
  scopes: ApiKeyScope[];
  /** The partner whose data the key sees; `null`: an admin key, which sees every partner's. */
  partnerId: string | null;
}

/** How long a verified key is trusted without asking the database; bounds how late a revoke bites. */
const VERIFIED_KEY_TTL_MS = 2_000;
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeyStore {
  private readonly verified = new Map<string, { key: AuthenticatedKey; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly pepper: string,
    private readonly log: Logger,
  ) {}

  /**
   * The plaintext key is in the answer and nowhere else: it is not stored and cannot be shown again.
   * `partnerId`: required unless the key is an admin key; `by`: the admin key that asks for it, none
   * for the command line.
   */
  async create(
    name: string,
    scopes: ApiKeyScope[],
    options: { partnerId?: string | null; expiresAt?: Date | null; by?: string | null } = {},
  ): Promise<ApiKeyInfo & { key: string }> {
    const partnerId = options.partnerId ?? null;
    const ownershipProblem = keyOwnershipProblem(scopes, partnerId);
    if (ownershipProblem) throw new DomainError('invalid_body', ownershipProblem);
    const expiresAt = options.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError('invalid_body', 'expiresAt: the key would be expired already');
    }
    const issued = issueKey(this.pepper);
    const row = await this.prisma.apiKey
      .create({
        data: {
          id: issued.id,
          name,
          scopes,
          secretHash: issued.secretHash,
          partnerId,
          expiresAt,
          createdBy: options.by ?? null,
        },
      })
      .catch((error: unknown) => {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003') {
          throw new DomainError('partner_not_found', `no partner ${String(partnerId)}`);
        }
        throw error;
      });
    return { ...toInfo(row), key: issued.plaintext };
  }

  /** Every key, or a partner's keys only. */
  async list(partnerId?: string): Promise<ApiKeyInfo[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: partnerId === undefined ? {} : { partnerId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toInfo);
  }

  /** `by`: the admin key that asks for it; none for the command line. */
  async revoke(id: string, by: string | null = null): Promise<ApiKeyInfo | undefined> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date(), revokedBy: by },
    });
    this.verified.clear();
    const row = await this.prisma.apiKey.findUnique({ where: { id } });
    return row && (count > 0 || row.revokedAt) ? toInfo(row) : undefined;
  }

  /** The key, or `expired` for a real key past its expiry, or `undefined` for anything else. */
  async authenticate(plaintext: string): Promise<AuthenticatedKey | 'expired' | undefined> {
    const now = Date.now();
    const cached = this.verified.get(plaintext);
    if (cached && cached.until > now) return cached.key;
    const parsed = parseKey(plaintext);
    if (!parsed) return undefined;
    const row = await this.prisma.apiKey.findUnique({ where: { id: parsed.id } });
    if (!row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash, this.pepper))
      return undefined;
    const { id, scopes, partnerId, expiresAt } = toInfo(row);
    if (expiresAt && expiresAt.getTime() <= now) return 'expired';
    const key = { id, scopes, partnerId };
    // Trusted until the cache's bound or the expiry, whichever comes first.
    const until = Math.min(now + VERIFIED_KEY_TTL_MS, expiresAt?.getTime() ?? Infinity);
    this.verified.set(plaintext, { key, until });
    this.recordUse(row.id, now);
    return key;
  }

  /** At most once a minute per key, and not waited for: a slow or failing write delays no request. */
  private recordUse(id: string, now: number): void {
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, now);
    this.prisma.apiKey
      .update({ where: { id }, data: { lastUsedAt: new Date(now) } })
      .catch((error: unknown) =>
        this.log.warn({ err: error, apiKeyId: id }, 'could not record when an API key was used'),
      );
  }
}

function toInfo(row: ApiKey): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as ApiKeyScope[],
    partnerId: row.partnerId,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    expiresAt: row.expiresAt,
    createdBy: row.createdBy,
    revokedBy: row.revokedBy,
  };
}
