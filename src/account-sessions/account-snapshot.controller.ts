import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { LinkedAccounts } from '../accounts';
import { DomainError } from '../common';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { AccountSnapshots } from './account-snapshots';

/** A snapshot of a linked account's devices on demand, as the one taken when its socket opens. */
@ApiTags('accounts')
@ApiKeyAuth()
@Controller('v1/accounts')
@RequireScope('read')
export class AccountSnapshotController {
  constructor(
    private readonly accounts: LinkedAccounts,
    private readonly snapshots: AccountSnapshots,
  ) {}

  @Post(':id/snapshot')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'snapshotAccount',
    summary: "Publish the status of every device of a linked account, read from Shelly's cloud",
    description:
      "Reads the account's device list and their status through Shelly's Cloud Control API (one " +
      'request per second and account, ten devices per request) and publishes them as events ' +
      'with `source.snapshot: true`; answers once they are handed to the publisher.',
  })
  @ApiParam({ name: 'id', description: 'The linked account id.' })
  @ApiOkResponse({ description: 'The snapshot taken.', schema: schemaRef('AccountSnapshot') })
  @ApiErrors({}, 'account_not_found', 'shelly_unreachable')
  async snapshot(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<{ accountId: string; devices: number }> {
    const partnerId = request.apiKey!.partnerId;
    const account = this.accounts.get(id);
    if (account === undefined || (partnerId !== null && account.partnerId !== partnerId)) {
      throw new DomainError('account_not_found', `no active linked account ${id.slice(0, 64)}`);
    }
    const outcome = await this.snapshots.take(account.id);
    if (!outcome.ok) {
      throw new DomainError(
        'shelly_unreachable',
        `Shelly's Cloud Control API did not answer the snapshot: ${outcome.error}`,
      );
    }
    return { accountId: account.id, devices: outcome.devices };
  }
}
