import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError, parseBody } from '../common';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import { createKeyBody } from './api-key';
import { AuthenticatedRequest, RequireScope } from './api-key.guard';
import { ApiKeyInfo, ApiKeyStore } from './api-key.store';

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
  @ApiErrors({}, ...bodyErrors)
  create(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<ApiKeyInfo & { key: string }> {
    const { name, scopes, expiresAt } = parseBody(createKeyBody, body);
    return this.keys.create(name, [...new Set(scopes)], {
      expiresAt: expiresAt ? new Date(expiresAt) : null,
      by: request.apiKey!.id,
    });
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List API keys, without secrets (admin)' })
  @ApiOkResponse({ description: 'Every key, oldest first.', schema: schemaRef('ApiKeyList') })
  @ApiErrors({})
  list(): Promise<ApiKeyInfo[]> {
    return this.keys.list();
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
