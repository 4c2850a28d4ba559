import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, parseBody } from '../common';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import { createKeyBody } from './api-key';
import { AuthenticatedRequest, RequireScope } from './api-key.guard';
import { ApiKeyInfo, ApiKeyStore } from './api-key.store';
import { partnerId, partnerIdPattern } from './partner';

const listQuery = z.strictObject({ partner: partnerId.optional() });

@ApiTags('api-keys')
@ApiKeyAuth()
@Controller('v1/api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an API key (admin)' })
  @ApiBody({ schema: schemaRef('CreateApiKey') })
  @ApiCreatedResponse({
    description: 'The new key; its secret is in this answer only.',
    schema: schemaRef('CreatedApiKey'),
  })
  @ApiErrors({}, ...bodyErrors, 'partner_not_found')
  create(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<ApiKeyInfo & { key: string }> {
    const { name, scopes, partnerId, expiresAt } = parseBody(createKeyBody, body);
    return this.keys.create(name, [...new Set(scopes)], {
      partnerId,
      expiresAt: expiresAt ? new Date(expiresAt) : null,
      by: request.apiKey!.id,
    });
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List API keys, without secrets (admin)' })
  @ApiQuery({
    name: 'partner',
    required: false,
    description: 'Only the keys of this partner.',
    schema: { type: 'string', pattern: partnerIdPattern.source },
  })
  @ApiOkResponse({ description: 'The keys, oldest first.', schema: schemaRef('ApiKeyList') })
  @ApiErrors({}, 'invalid_body')
  list(@Query() query: unknown): Promise<ApiKeyInfo[]> {
    return this.keys.list(parseBody(listQuery, query).partner);
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key (admin)' })
  @ApiParam({ name: 'id', description: 'The key id (`sik_<id>_...`).', schema: { type: 'string' } })
  @ApiOkResponse({ description: 'The revoked key.', schema: schemaRef('ApiKey') })
  @ApiErrors({}, 'not_found')
  async revoke(@Param('id') id: string, @Req() request: AuthenticatedRequest): Promise<ApiKeyInfo> {
    const revoked = await this.keys.revoke(id, request.apiKey!.id);
    if (!revoked) throw new DomainError('not_found', `no API key ${id}`);
    return revoked;
  }
}
