import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DomainError } from '../common';
import { RecordUpstreamChange } from '../consent';
import { InjectRootLogger } from '../observability';
import { eventSources } from '../publish';
import type { AuthenticatedKey } from '../partners';
import { IntegratorUnsubscribeClient } from '../shelly';
import { DeviceDirectory } from './device-directory';

export interface DeviceUnsubscribed {
  device: string;
  ownerUserId: number;
  revoked: true;
  notice: string;
}

/** Shelly requires the integrator to tell the user (protocol 2.3); the partner holds that relation. */
const OWNER_NOTICE =
  "Shelly no longer shares this device with the integrator. You must tell its owner that you have stopped using it: Shelly's terms require it, and Shelly does not tell them.";

/**
 * A partner ends a device's consent itself: `unsubscribe_device` on the device's host with the
 * integrator token, then the consent revoked here like any other, with its event. A device Shelly no
 * longer knows as integrated is revoked here all the same.
 */
@Injectable()
export class UnsubscribeDevice {
  private readonly log: Logger;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly shelly: IntegratorUnsubscribeClient,
    private readonly record: RecordUpstreamChange,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'unsubscribe-device' });
  }

  async execute(id: string, key: AuthenticatedKey): Promise<DeviceUnsubscribed> {
    const deviceId = this.directory.readDeviceId(id, key.partnerId);
    const consent =
      deviceId === undefined ? undefined : this.directory.consent(deviceId, key.partnerId);
    if (!deviceId || !consent) {
      throw new DomainError('device_not_found', `no consent is held for device ${id.slice(0, 64)}`);
    }
    const answer = await this.shelly.unsubscribe(consent.host, deviceId);
    if (answer.kind === 'unreachable') {
      throw new DomainError(
        'shelly_unreachable',
        `Shelly's unsubscribe_device on ${consent.host} did not answer: ${answer.problem}`,
      );
    }
    if (answer.kind === 'refused' && !answer.errors.includes('device_not_found')) {
      const reason = answer.errors.join(', ').slice(0, 200);
      throw new DomainError('device_refused', `Shelly refused unsubscribe_device: ${reason}`, {
        reason,
      });
    }
    await this.record.execute(
      consent,
      { action: 'revoke' },
      { source: 'unsubscribe', apiKeyId: key.id, answer },
      eventSources.controlApi,
    );
    this.log.info({ deviceId, apiKeyId: key.id }, 'device unsubscribed at Shelly and revoked');
    return {
      device: deviceId,
      ownerUserId: consent.ownerUserId,
      revoked: true,
      notice: OWNER_NOTICE,
    };
  }
}
