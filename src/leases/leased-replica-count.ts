import { Injectable } from '@nestjs/common';
import { LiveReplicas } from '../common';

/**
 * The live replicas as the last lease round counted them in `service_replica` (this one alone until
 * the first round, and the last count while rounds fail).
 */
@Injectable()
export class LeasedReplicaCount extends LiveReplicas {
  private live = 1;

  count(): number {
    return this.live;
  }

  counted(replicas: number): void {
    this.live = Math.max(1, replicas);
  }
}
