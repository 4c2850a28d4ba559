import { generateKeyPairSync } from 'node:crypto';
import { signTrustToken, TrustSigner, TrustTamper } from '../../src/simulator/trust-token';

export type Tamper = TrustTamper;

export interface CallbackBody {
  userId: number;
  deviceId: string;
  deviceType: string;
  deviceCode: string;
  accessGroups: string;
  action: 'add' | 'remove';
  host: string;
  name: string[];
}

const keys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
/** The simulator's signer, so the service is tested against the very tokens the simulator sends. */
const signer: TrustSigner = {
  privateKey: keys.privateKey,
  publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};

export const callbackPublicKeyPem = signer.publicKeyPem;

export function callbackBody(overrides: Partial<CallbackBody> = {}): CallbackBody {
  return {
    userId: 48213,
    deviceId: '224830197357980',
    deviceType: 'SHSW-25',
    deviceCode: 'SHSW-25',
    accessGroups: '01',
    action: 'add',
    host: 'shelly-103-eu.shelly.cloud',
    name: ['Kitchen light', 'Hall light'],
    ...overrides,
  };
}

/**
 * The headers and body of a consent callback as Shelly's cloud sends it, optionally tampered with,
 * its token issued at `issuedAt` (default now).
 */
export async function signedCallback(
  itg: string,
  body: Partial<CallbackBody>,
  tamper?: Tamper,
  issuedAt = Date.now(),
): Promise<{ headers: Record<string, string>; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const did = body.deviceId ?? '224830197357980';
  const token = await signTrustToken(signer, { itg, did }, issuedAt, tamper);
  if (token !== undefined) headers['scl-trust'] = token;
  return { headers, body: JSON.stringify(body) };
}

export async function sendCallback(
  url: string,
  itg: string,
  body: CallbackBody,
  tamper?: Tamper,
): Promise<{ status: number; body: unknown }> {
  const request = await signedCallback(itg, body, tamper);
  const response = await fetch(url, { method: 'POST', ...request });
  return { status: response.status, body: await response.json() };
}
