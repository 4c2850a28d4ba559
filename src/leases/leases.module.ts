import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent';
import { LeaseStore } from './lease.store';
import { LeasedSessionKeys } from './leased-session-keys';

/** Shares the session keys among the replicas through leases in Postgres. */
@Module({
  imports: [ConsentModule],
  providers: [LeaseStore, LeasedSessionKeys],
  exports: [LeasedSessionKeys],
})
export class LeasesModule {}
