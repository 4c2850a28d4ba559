import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { decimalReading, DomainError, hexReading, parseBody } from '../common';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { Consent } from './consent';
import { ConsentHistoryEntry, ConsentStore } from './consent.store';

const listQuery = z.object({
  partner: z.string().max(64).optional(),
  user: z.coerce.number().int().nonnegative().optional(),
  host: z.string().max(253).optional(),
  scope: z.enum(['read', 'control']).optional(),
});

/**
 * Who shared what, with which scope, and how it came to be: a partner's keys see the consents given
 * through its own links, admin keys every partner's.
 */
@ApiTags('consents')
@ApiKeyAuth()
@Controller('v1/consents')
@RequireScope('read')
export class ConsentsController {
  constructor(private readonly store: ConsentStore) {}

  @Get()
  @ApiOperation({ operationId: 'listConsents', summary: 'Consented devices, filtered' })
  @ApiQuery({
    name: 'partner',
    required: false,
    description: "Only this partner's (admin keys; a partner's key always sees its own only).",
    schema: { type: 'string', maxLength: 64 },
  })
  @ApiQuery({ name: 'user', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'host', required: false, schema: { type: 'string', maxLength: 253 } })
  @ApiQuery({
    name: 'scope',
    required: false,
    schema: { type: 'string', enum: ['read', 'control'] },
  })
  @ApiOkResponse({ description: 'The matching consents.', schema: schemaRef('ConsentList') })
  @ApiErrors({}, 'invalid_body')
  async list(
    @Query() query: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ consents: Consent[] }> {
    const filter = parseBody(listQuery, query);
    const own = request.apiKey!.partnerId;
    if (own !== null && filter.partner !== undefined && filter.partner !== own) {
      return { consents: [] };
    }
    return {
      consents: await this.store.list({
        partnerId: own ?? filter.partner,
        ownerUserId: filter.user,
        host: filter.host?.toLowerCase(),
        scope: filter.scope,
      }),
    };
  }

  @Get(':deviceId')
  @ApiOperation({
    operationId: 'getConsent',
    summary: "One device's consent and its history",
    description:
      "A partner's key sees the device while it holds its consent, with the history of the consent " +
      'given through its own links; admin keys see every device ever shared, with all its history.',
  })
  @ApiParam({
    name: 'deviceId',
    description: 'Device id, hex or decimal; 6 or 12 digits read as hex.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({
    description: 'Consent (null once revoked) and history.',
    schema: schemaRef('ConsentDetail'),
  })
  @ApiErrors({}, 'invalid_body', 'not_found')
  async show(
    @Param('deviceId') deviceIdParam: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ consent: Consent | null; history: ConsentHistoryEntry[] }> {
    const deviceId = hexReading(deviceIdParam) ?? decimalReading(deviceIdParam);
    if (!deviceId)
      throw new DomainError(
        'invalid_body',
        `${deviceIdParam.slice(0, 64)} is not a Shelly device id`,
      );
    const own = request.apiKey!.partnerId ?? undefined;
    const [consent, history] = await Promise.all([
      this.store.find(deviceId),
      this.store.history(deviceId, own),
    ]);
    const visible = own === undefined ? consent || history.length > 0 : consent?.partnerId === own;
    if (!visible)
      throw new DomainError('not_found', `no consent of device ${deviceId} is visible to this key`);
    return { consent, history };
  }
}
