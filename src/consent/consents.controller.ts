import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireScope } from '../api-keys';
import { DomainError, parseBody, toHexDeviceId } from '../common';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { Consent } from './consent';
import { ConsentHistoryEntry, ConsentStore } from './consent.store';

const listQuery = z.object({
  user: z.coerce.number().int().nonnegative().optional(),
  host: z.string().max(253).optional(),
  scope: z.enum(['read', 'control']).optional(),
});

/** Operators' view of consent: who shared what, with which scope, and how it came to be. */
@ApiTags('consents')
@ApiKeyAuth()
@Controller('v1/consents')
@RequireScope('admin')
export class ConsentsController {
  constructor(private readonly store: ConsentStore) {}

  @Get()
  @ApiOperation({ operationId: 'listConsents', summary: 'Consented devices, filtered (admin)' })
  @ApiQuery({ name: 'user', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'host', required: false, schema: { type: 'string', maxLength: 253 } })
  @ApiQuery({
    name: 'scope',
    required: false,
    schema: { type: 'string', enum: ['read', 'control'] },
  })
  @ApiOkResponse({ description: 'The matching consents.', schema: schemaRef('ConsentList') })
  @ApiErrors({}, 'invalid_body')
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
  @ApiOperation({
    operationId: 'getConsent',
    summary: "One device's consent and its full history (admin)",
  })
  @ApiParam({
    name: 'deviceId',
    description: 'Device id, lowercase hex or decimal.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({
    description: 'Consent (null once revoked) and history.',
    schema: schemaRef('ConsentDetail'),
  })
  @ApiErrors({}, 'invalid_body', 'not_found')
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
