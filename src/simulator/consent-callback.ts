import type { Consent } from './integrator-protocol';
import type { SimulatedDevice } from './simulated-device';
import { SimulatorError } from './simulator-error';
import type { ConsentResult } from './simulator.types';
import { signTrustToken, TrustSigner, TrustTamper } from './trust-token';

/** Tells the integrator of a consent change: a POST to its callback URL, signed by `SCL-Trust`. */
export class ConsentCallback {
  constructor(
    private readonly url: string | undefined,
    private readonly signer: TrustSigner,
    private readonly clock: () => number,
  ) {}

  /** To the consent's own callback URL, else the simulator's; without either the change applies directly. */
  async deliver(
    consent: Consent,
    device: SimulatedDevice,
    action: 'add' | 'remove',
    tamper: TrustTamper | undefined,
  ): Promise<ConsentResult> {
    const url = consent.callbackUrl ?? this.url;
    if (!url && tamper) {
      throw new SimulatorError('NO_CALLBACK_URL', 'a tampered callback needs a callback URL');
    }
    if (!url) return { applied: true };
    const body = {
      userId: consent.userId,
      deviceId: consent.deviceId,
      deviceType: device.model.code,
      deviceCode: device.model.code,
      accessGroups: consent.accessGroups,
      action,
      host: consent.host,
      name: consent.names,
    };
    const trust = await signTrustToken(
      this.signer,
      { itg: consent.integrator, did: consent.deviceId },
      this.clock(),
      tamper,
    );
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (trust) headers['scl-trust'] = trust;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = (await response.text()).slice(0, 4000);
      return { applied: response.status === 200, status: response.status, body: text };
    } catch (error) {
      return { applied: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
