import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { DeviceConsent, Prisma } from '../generated/prisma/client';
import { Consent, ConsentCallback, ConsentChange, ConsentScope, decideChange } from './consent';
import { consentEvent } from './consent-event';
import { TrustVerification } from './scl-trust.verifier';

/** Postgres channel that announces a device's consent change to every instance. */
export const CONSENT_CHANNEL = 'device_consent_changed';

export interface ConsentFilter {
  ownerUserId?: number;
  host?: string;
  scope?: ConsentScope;
}

export interface ConsentHistoryEntry {
  change: ConsentChange;
  scope: ConsentScope | null;
  previousScope: ConsentScope | null;
  ownerUserId: number;
  host: string;
  callback: unknown;
  verification: unknown;
  recordedAt: Date;
}

export interface AppliedConsentChange {
  change: ConsentChange | 'unchanged';
  consent: Consent | null;
}

export function toConsent(row: DeviceConsent): Consent {
  return {
    deviceId: row.deviceId,
    ownerUserId: Number(row.ownerUserId),
    deviceType: row.deviceType,
    deviceCode: row.deviceCode,
    scope: row.scope as ConsentScope,
    host: row.host,
    channelNames: row.channelNames,
    grantedAt: row.grantedAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ConsentStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Applies one verified callback in a single transaction: the consent row, its history entry, the
   * host's device count, the consent event in the outbox and the change notification all commit
   * together or not at all. Callbacks for one device are serialized by an advisory lock.
   */
  async apply(
    callback: ConsentCallback,
    audit: { rawBody: unknown; verification: TrustVerification; topic: string },
  ): Promise<AppliedConsentChange> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`consent:${callback.deviceId}`}))`;
      const row = await tx.deviceConsent.findUnique({ where: { deviceId: callback.deviceId } });
      const before = row ? toConsent(row) : null;
      const change = decideChange(before, callback);
      if (change === 'unchanged') return { change, consent: before };

      const now = new Date();
      let after: Consent | null = null;
      if (change === 'revoked') {
        await tx.deviceConsent.delete({ where: { deviceId: callback.deviceId } });
      } else {
        const data = {
          ownerUserId: BigInt(callback.ownerUserId),
          deviceType: callback.deviceType,
          deviceCode: callback.deviceCode,
          scope: callback.scope,
          host: callback.host,
          channelNames: callback.channelNames,
          updatedAt: now,
        };
        after = toConsent(
          await tx.deviceConsent.upsert({
            where: { deviceId: callback.deviceId },
            create: { deviceId: callback.deviceId, grantedAt: now, ...data },
            update: data,
          }),
        );
      }
      if (before?.host !== after?.host) {
        if (after) await this.countHost(tx, after.host, +1);
        if (before) await this.countHost(tx, before.host, -1);
      }
      const current = (after ?? before) as Consent;
      await tx.consentHistory.create({
        data: {
          deviceId: callback.deviceId,
          change,
          scope: after?.scope ?? null,
          previousScope: before?.scope ?? null,
          ownerUserId: BigInt(current.ownerUserId),
          host: current.host,
          callback: audit.rawBody as Prisma.InputJsonValue,
          verification: audit.verification as unknown as Prisma.InputJsonValue,
          recordedAt: now,
        },
      });
      const event = consentEvent(change, before, after, { id: randomUUID(), time: now });
      await tx.outboxEvent.create({
        data: {
          topic: audit.topic,
          key: callback.deviceId,
          eventType: event.type,
          eventId: event.id,
          payload: event as unknown as Prisma.InputJsonValue,
        },
      });
      await tx.$executeRaw`SELECT pg_notify(${CONSENT_CHANNEL}, ${callback.deviceId})`;
      return { change, consent: after };
    });
  }

  async find(deviceId: string): Promise<Consent | null> {
    const row = await this.prisma.deviceConsent.findUnique({ where: { deviceId } });
    return row ? toConsent(row) : null;
  }

  async list(filter: ConsentFilter = {}): Promise<Consent[]> {
    const rows = await this.prisma.deviceConsent.findMany({
      where: {
        ownerUserId: filter.ownerUserId === undefined ? undefined : BigInt(filter.ownerUserId),
        host: filter.host,
        scope: filter.scope,
      },
      orderBy: { deviceId: 'asc' },
    });
    return rows.map(toConsent);
  }

  async history(deviceId: string): Promise<ConsentHistoryEntry[]> {
    const rows = await this.prisma.consentHistory.findMany({
      where: { deviceId },
      orderBy: { id: 'asc' },
    });
    return rows.map((row) => ({
      change: row.change as ConsentChange,
      scope: row.scope as ConsentScope | null,
      previousScope: row.previousScope as ConsentScope | null,
      ownerUserId: Number(row.ownerUserId),
      host: row.host,
      callback: row.callback,
      verification: row.verification,
      recordedAt: row.recordedAt,
    }));
  }

  private async countHost(
    tx: Prisma.TransactionClient,
    host: string,
    delta: number,
  ): Promise<void> {
    await tx.shellyHost.upsert({
      where: { name: host },
      create: { name: host, deviceCount: Math.max(delta, 0) },
      update: { deviceCount: { increment: delta } },
    });
  }
}
