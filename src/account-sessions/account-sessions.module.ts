import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { CloudControlModule } from '../cloud-control';
import { IngestModule } from '../ingest';
import { AccountApi } from './account-api';
import { AccountSnapshotController } from './account-snapshot.controller';
import { AccountSnapshots } from './account-snapshots';

/**
 * What the sessions of linked accounts add to the Shelly sessions: a snapshot through the Cloud
 * Control API each time one opens and on demand, and the API calls for an account's devices.
 */
@Module({
  imports: [AccountsModule, CloudControlModule, IngestModule],
  controllers: [AccountSnapshotController],
  providers: [AccountApi, AccountSnapshots],
  exports: [AccountApi, AccountSnapshots],
})
export class AccountSessionsModule {}
