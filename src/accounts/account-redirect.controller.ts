import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, schemaRef } from '../openapi';
import { Public } from '../partners';
import { AccountLinking, RedirectQuery } from './account-linking';
import { REDIRECT_PATH } from './accounts-setup';
import type { LinkedAccount } from './linked-account';

/** Where Shelly sends the user's browser back after sign-in: the OAuth redirect URI. */
@ApiTags('accounts')
@Controller(REDIRECT_PATH.slice(1))
@Public()
export class AccountRedirectController {
  constructor(private readonly linking: AccountLinking) {}

  @Get()
  @ApiOperation({
    operationId: 'completeAccountLink',
    summary: "Shelly's OAuth redirect: links the account",
    description:
      "Reached by the user's browser from Shelly's login page, with the `code` and the `state` of a " +
      "link made by `POST /v1/accounts/links`. The state must be this service's, unused and less than " +
      "10 minutes old; the code's `user_api_url` must be a Shelly host. Answers the linked account.",
  })
  @ApiQuery({ name: 'code', description: "Shelly's authorization code (a JWT)." })
  @ApiQuery({ name: 'state', description: 'The state of the link.' })
  @ApiOkResponse({ description: 'The account is linked.', schema: schemaRef('AccountLinked') })
  @ApiErrors(
    { auth: false },
    'account_link_invalid',
    'account_link_expired',
    'account_code_invalid',
    'host_not_allowed',
    'account_link_refused',
    'shelly_unreachable',
    'accounts_not_configured',
  )
  async complete(
    @Query() query: RedirectQuery,
  ): Promise<{ status: 'linked'; account: LinkedAccount }> {
    return { status: 'linked', account: await this.linking.completeLink(query) };
  }
}
