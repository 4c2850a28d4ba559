import { sleep } from '../common';
import type { ConsentCallback } from './consent-callback';
import type { Consent } from './integrator-protocol';
import { renameChannels, SimulatedDevice } from './simulated-device';
import { SimulatorError } from './simulator-error';
import type { ConsentGrant, ConsentResult, GrantOptions } from './simulator.types';
import type { TrustTamper } from './trust-token';

/**
 * Which integrator may see which device. A grant or revocation holds only when the integrator's
 * callback accepts it, or when there is no callback URL.
 */
export class ConsentRegistry {
  private readonly byKey = new Map<string, Consent>();

  constructor(
    private readonly integratorTags: readonly string[],
    private readonly callback: ConsentCallback,
  ) {}

  all(): Consent[] {
    return [...this.byKey.values()];
  }

  find(integrator: string, deviceId: string): Consent | undefined {
    return this.byKey.get(consentKey(integrator, deviceId));
  }

  integratorsOf(device: SimulatedDevice): string[] {
    return this.integratorTags.filter((tag) =>
      this.byKey.has(consentKey(tag, device.identity.deviceId)),
    );
  }

  hasConsent(device: SimulatedDevice): boolean {
    return this.integratorsOf(device).length > 0;
  }

  async grant(
    device: SimulatedDevice,
    integrator: string,
    grant: ConsentGrant & { callbackUrl?: string },
    options: GrantOptions,
  ): Promise<ConsentResult> {
    const names = grant.names ?? defaultNames(device);
    const consent: Consent = {
      integrator,
      deviceId: device.identity.deviceId,
      userId: grant.userId,
      accessGroups: grant.accessGroups ?? '01',
      host: device.host,
      names,
      callbackUrl: grant.callbackUrl,
    };
    const result = options.callbackLost
      ? { applied: true }
      : await this.callback.deliver(consent, device, 'add', options.tamper);
    if (result.applied) {
      if (options.appliedAfterMs) await sleep(options.appliedAfterMs);
      this.byKey.set(consentKey(integrator, consent.deviceId), consent);
      renameChannels(device, names);
    }
    return result;
  }

  async revoke(
    device: SimulatedDevice,
    integrator: string,
    options: { tamper?: TrustTamper; callbackLost?: boolean },
  ): Promise<ConsentResult> {
    const key = consentKey(integrator, device.identity.deviceId);
    const consent = this.byKey.get(key);
    if (!consent) {
      throw new SimulatorError(
        'NO_CONSENT',
        `device ${device.identity.id} has no consent to revoke`,
      );
    }
    const result = options.callbackLost
      ? { applied: true }
      : await this.callback.deliver(
          { ...consent, host: device.host },
          device,
          'remove',
          options.tamper,
        );
    if (result.applied) this.byKey.delete(key);
    return result;
  }

  /** The integrator dropped the device itself: no callback. */
  remove(integrator: string, deviceId: string): void {
    this.byKey.delete(consentKey(integrator, deviceId));
  }
}

function defaultNames(device: SimulatedDevice): string[] {
  const { name, channelNames } = device.identity;
  return channelNames.map(
    (channelName, index) =>
      channelName ?? (channelNames.length === 1 ? name : `${name} ${index + 1}`),
  );
}

function consentKey(integrator: string, deviceId: string): string {
  return `${integrator}|${deviceId}`;
}
