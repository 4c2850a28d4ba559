import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from '../common/validation';
import { DomainError } from '../common/domain-error';
import { apiKeyScopes } from './api-key';
import { RequireScope } from './api-key.guard';
import { ApiKeyInfo, ApiKeyStore } from './api-key.store';

const createKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(apiKeyScopes)).min(1),
});

@Controller('v1/api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<ApiKeyInfo & { key: string }> {
    const { name, scopes } = parseBody(createKeyBody, body);
    return this.keys.create(name, [...new Set(scopes)]);
  }

  @Get()
  list(): Promise<ApiKeyInfo[]> {
    return this.keys.list();
  }

  @Delete(':id')
  async revoke(@Param('id') id: string): Promise<ApiKeyInfo> {
    const revoked = await this.keys.revoke(id);
    if (!revoked) throw new DomainError('not_found', `no API key ${id}`);
    return revoked;
  }
}
