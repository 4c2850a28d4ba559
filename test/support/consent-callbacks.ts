import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';

export type Tamper =
  'bad-signature' | 'expired' | 'wrong-itg' | 'mismatched-did' | 'other-algorithm' | 'no-header';

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
const strangerKeys = generateKeyPairSync('ec', { namedCurve: 'P-384' });

export const callbackPublicKeyPem = keys.publicKey
  .export({ type: 'spki', format: 'pem' })
  .toString();

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

async function trustToken(itg: string, body: CallbackBody, tamper?: Tamper): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    itg: tamper === 'wrong-itg' ? 'ITG_SOMEONE_ELSE' : itg,
    did: tamper === 'mismatched-did' ? '79530338915136' : body.deviceId,
    iat: now,
    exp: tamper === 'expired' ? now - 600 : now + 120,
  };
  if (tamper === 'other-algorithm') {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(callbackPublicKeyPem));
  }
  const signer = tamper === 'bad-signature' ? strangerKeys.privateKey : keys.privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES384', typ: 'JWT' }).sign(signer);
}

/** The headers and body of a consent callback as Shelly's cloud sends it, optionally tampered with. */
export async function signedCallback(
  itg: string,
  body: CallbackBody,
  tamper?: Tamper,
): Promise<{ headers: Record<string, string>; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (tamper !== 'no-header') headers['scl-trust'] = await trustToken(itg, body, tamper);
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
