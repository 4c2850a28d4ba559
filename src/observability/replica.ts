import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';

/**
 * Which replica of the service this process is: its session leases are held in this name and its
 * spans carry it as `service.instance.id`. New at each start, so that a restarted replica is told
 * apart from the one it replaces.
 */
@Injectable()
export class Replica {
  readonly id = `${hostname()}-${randomBytes(3).toString('hex')}`;
}
