import { Module } from '@nestjs/common';
import { LiveReplicas } from '../common';
import { AccountsModule } from '../accounts';
import { ConsentModule } from '../consent';
import { LeasedReplicaCount } from './leased-replica-count';
import { LeaseStore } from './lease.store';
import { LeasedSessionKeys } from './leased-session-keys';
import { WantedSessionKeys } from './wanted-session-keys';

/**
 * Shares the session keys among the replicas through leases in Postgres, and tells how many replicas
 * are alive (`LiveReplicas`), for the rate limits they share.
 */
@Module({
  imports: [ConsentModule, AccountsModule],
  providers: [
    LeaseStore,
    LeasedSessionKeys,
    LeasedReplicaCount,
    WantedSessionKeys,
    { provide: LiveReplicas, useExisting: LeasedReplicaCount },
  ],
  exports: [LeasedSessionKeys, LiveReplicas],
})
export class LeasesModule {}
