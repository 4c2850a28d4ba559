import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { RequireScope } from '../api-keys/api-key.guard';
import { DomainError } from '../common/domain-error';
import { parseBody } from '../common/validation';
import { toHexDeviceId } from '../shelly/device-id';
import { Consent } from './consent';
import { ConsentHistoryEntry, ConsentStore } from './consent.store';

const listQuery = z.object({
  user: z.coerce.number().int().nonnegative().optional(),
  host: z.string().max(253).optional(),
  scope: z.enum(['read', 'control']).optional(),
});

/** Operators' view of consent: who shared what, with which scope, and how it came to be. */
@Controller('v1/consents')
@RequireScope('admin')
export class ConsentsController {
  constructor(private readonly store: ConsentStore) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ consents: Consent[] }> {
    const filter = parseBody(listQuery, query);
    return {
      consents: await this.store.list({
        ownerUserId: filter.user,
        host: filter.host?.toLowerCase(),
        scope: filter.scope,
      }),
    };
  }

  @Get(':deviceId')
  async show(
    @Param('deviceId') deviceIdParam: string,
  ): Promise<{ consent: Consent | null; history: ConsentHistoryEntry[] }> {
    const deviceId = toHexDeviceId(deviceIdParam);
    if (!deviceId)
      throw new DomainError('invalid_body', `${deviceIdParam} is not a Shelly device id`);
    const [consent, history] = await Promise.all([
      this.store.find(deviceId),
      this.store.history(deviceId),
    ]);
    if (!consent && history.length === 0)
      throw new DomainError('not_found', `device ${deviceId} has never been shared`);
    return { consent, history };
  }
}
