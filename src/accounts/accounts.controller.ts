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
import {
  type AuthenticatedKey,
  type AuthenticatedRequest,
  grants,
  PartnerStore,
  RequireScope,
} from '../partners';
import { AccountLink, AccountLinking, notFound } from './account-linking';
import { createLinkBody } from './api-schemas';
import type { AccountScope } from './link-state';
import type { LinkedAccount } from './linked-account';
import { LinkedAccountsStore } from './linked-accounts.store';

const accountIdParam = { name: 'id', description: 'The linked account id.' };

/**
 * Shelly accounts linked through OAuth. A partner's keys see and unlink only the partner's own
 * accounts (another's is answered 404, as an unknown one); admin keys every partner's. Linking or
 * unlinking an account with the `control` scope needs a key with `control`.
 */
@ApiTags('accounts')
@ApiKeyAuth()
@Controller('v1/accounts')
@RequireScope('read')
export class AccountsController {
  constructor(
    private readonly linking: AccountLinking,
    private readonly store: LinkedAccountsStore,
    private readonly partners: PartnerStore,
  ) {}

  @Post('links')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createAccountLink',
    summary: "A link to Shelly's login page that links the user's account to the partner",
    description:
      'The user signs in at Shelly and allows access; Shelly then sends the browser to the ' +
      "service's redirect URI, which links the account with the scope asked for here. The link " +
      'works once, for 10 minutes. A key needs the scope it asks for (`control` for `control`).',
  })
  @ApiBody({ schema: schemaRef('CreateAccountLink') })
  @ApiCreatedResponse({ description: 'The link.', schema: schemaRef('AccountLink') })
  @ApiErrors({}, ...bodyErrors, 'partner_not_found', 'accounts_not_configured')
  async createLink(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<AccountLink> {
    const { scope, partnerId } = parseBody(createLinkBody, body ?? {});
    const key = request.apiKey!;
    requireScopeFor(key, scope);
    if (key.partnerId !== null && partnerId !== undefined && partnerId !== key.partnerId) {
      throw new DomainError('partner_not_found', `no partner ${partnerId}`);
    }
    const partner = key.partnerId ?? partnerId;
    if (partner === undefined) {
      throw new DomainError('invalid_body', 'partnerId: required for admin keys');
    }
    await this.partners.get(partner);
    return this.linking.createLink(partner, scope);
  }

  @Get()
  @ApiOperation({ operationId: 'listAccounts', summary: 'Linked accounts, oldest first' })
  @ApiOkResponse({ description: 'The accounts.', schema: schemaRef('LinkedAccountList') })
  @ApiErrors({})
  async list(@Req() request: AuthenticatedRequest): Promise<{ accounts: LinkedAccount[] }> {
    return { accounts: await this.store.list({ partnerId: request.apiKey!.partnerId }) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getAccount', summary: 'One linked account' })
  @ApiParam(accountIdParam)
  @ApiOkResponse({ description: 'The account.', schema: schemaRef('LinkedAccount') })
  @ApiErrors({}, 'account_not_found')
  show(@Param('id') id: string, @Req() request: AuthenticatedRequest): Promise<LinkedAccount> {
    return this.visible(id, request.apiKey!);
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'unlinkAccount',
    summary: 'Unlink an account',
    description:
      'Deletes the account and its access token, announces `account.unlinked.v1` on the ' +
      'consent topic and answers the account as it was. Shelly keeps its own record of the ' +
      'access the user allowed.',
  })
  @ApiParam(accountIdParam)
  @ApiOkResponse({ description: 'The account unlinked.', schema: schemaRef('LinkedAccount') })
  @ApiErrors({}, 'account_not_found')
  async unlink(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<LinkedAccount> {
    const key = request.apiKey!;
    const account = await this.visible(id, key);
    requireScopeFor(key, account.scope);
    return this.linking.unlink(account.id, key.partnerId);
  }

  private async visible(id: string, key: AuthenticatedKey): Promise<LinkedAccount> {
    const account = await this.store.find(id, key.partnerId);
    if (!account) throw notFound(id);
    return account;
  }
}

function requireScopeFor(key: AuthenticatedKey, scope: AccountScope): void {
  if (!grants(key.scopes, scope)) {
    throw new DomainError('api_key_scope_missing', `this API key lacks the ${scope} scope`);
  }
}
