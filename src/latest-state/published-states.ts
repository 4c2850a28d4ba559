import { Injectable } from '@nestjs/common';

/**
 * The id of the last latest-state record this replica published of each device, until the feed reads
 * it back. That record holds what this replica's store knew then, and the store only moves forward,
 * so the feed skips it without parsing it; most records a replica reads are its own.
 */
@Injectable()
export class PublishedStates {
  private readonly lastIds = new Map<string, string>();

  published(deviceId: string, id: string): void {
    this.lastIds.set(deviceId, id);
  }

  /** Whether the record read is this replica's last one of the device; it is then forgotten. */
  readBack(deviceId: string, id: string | undefined): boolean {
    if (id === undefined || this.lastIds.get(deviceId) !== id) return false;
    this.lastIds.delete(deviceId);
    return true;
  }
}
