import { createPublicKey, KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * The kinds of value an environment variable holds, as zod schemas that parse its text. Each
 * message says what was expected, so that a bad variable is reported with what it should be.
 */
export const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer between ${min} and ${max}` })
    .int(`expected an integer between ${min} and ${max}`)
    .min(min, `expected an integer between ${min} and ${max}`)
    .max(max, `expected an integer between ${min} and ${max}`);

export const boolean = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .transform((v) => v === 'true');

export const rate = z.coerce
  .number({ error: 'expected a number from 0 to 100000' })
  .min(0, 'expected a number from 0 to 100000')
  .max(100000, 'expected a number from 0 to 100000');

export const ratio = z.coerce
  .number({ error: 'expected a number from 0 to 1' })
  .min(0, 'expected a number from 0 to 1')
  .max(1, 'expected a number from 0 to 1');

export const nonEmpty = (what: string) => z.string().trim().min(1, `expected ${what}`);

export const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
    error: 'expected a URL like postgresql://user:password@host:5432/database',
  });

export const brokerList = z
  .string()
  .trim()
  .transform((value) => value.split(',').map((broker) => broker.trim()))
  .refine((brokers) => brokers.every((b) => /^[^\s:,]+:\d{1,5}$/.test(b)), {
    error: 'expected a comma-separated list of host:port',
  });

export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^/\s]+/.test(value), { error: 'expected an http(s) URL' });

/** An http(s) URL without its trailing slashes, or empty for none. */
export const optionalBaseUrl = z
  .string()
  .trim()
  .refine((value) => value === '' || /^https?:\/\/[^/\s]+/.test(value), {
    error: 'expected an http(s) URL',
  })
  .transform((url) => url.replace(/\/+$/, ''));

export const socketUrlTemplate = z
  .string()
  .trim()
  .refine(
    (value) => /^wss?:\/\//.test(value) && value.includes('{host}') && value.includes('{token}'),
    { error: 'expected a ws(s) URL containing {host} and {token}' },
  );

export const hostUrlTemplate = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/\S*\{host\}/.test(value), {
    error: 'expected an http(s) URL containing {host}',
  });

/** Shelly's published key for the `SCL-Trust` header of consent callbacks (ES384, P-384). */
const shellyConsentPublicKeyPem = `-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE3Kx+6C/0ZbnelYUgucUo4/X4xt1NCmEL
coyLpgkuLHume4VLZnQjtXeYgzr2FUdsO/ip8SzssSu3CEU9ArvB+yGIlW7l1yLt
wHVs/2zXrL0riL++7jdoQCpTGanFVzpM
-----END PUBLIC KEY-----`;

/** `shelly`, a PEM (newlines real or written as `\n`), or the bare base64 SPKI body; P-384 only. */
function parseP384PublicKey(text: string): KeyObject | undefined {
  const unescaped =
    text === 'shelly' ? shellyConsentPublicKeyPem : text.replace(/\\n/g, '\n').trim();
  const pem = unescaped.startsWith('-----BEGIN')
    ? unescaped
    : `-----BEGIN PUBLIC KEY-----\n${unescaped.replace(/\s+/g, '')}\n-----END PUBLIC KEY-----`;
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? key : undefined;
  } catch {
    return undefined;
  }
}

export const p384PublicKey = z.string().transform((text, context) => {
  const key = parseP384PublicKey(text);
  if (!key)
    context.addIssue({
      code: 'custom',
      message: 'expected `shelly` or a P-384 public key (PEM or base64 SPKI)',
    });
  return key as KeyObject;
});

export const hostPatterns = z
  .string()
  .transform((value) => value.split(',').map((pattern) => pattern.trim().toLowerCase()))
  .refine((patterns) => patterns.every((p) => /^[a-z0-9*][a-z0-9*.-]*$/.test(p)), {
    error: 'expected comma-separated host names, `*` standing for part of one label',
  });

/** Comma-separated Gen2+ RPC method names, `Component.Method`; empty for none. */
export const rpcMethodList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((method) => method.trim())
      .filter((method) => method !== ''),
  )
  .refine(
    (methods) => methods.every((m) => /^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/.test(m)),
    {
      error: 'expected comma-separated RPC method names like Switch.Set',
    },
  );

/** An encryption key of ACCOUNT_TOKEN_KEYS: its id, and 32 bytes of key. */
export interface NamedKey {
  id: string;
  key: Buffer;
}

function parseNamedKey(entry: string): NamedKey | undefined {
  const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(entry.trim());
  const key = match ? Buffer.from(match[2], 'base64') : undefined;
  return match && key?.length === 32 ? { id: match[1], key } : undefined;
}

/** Comma-separated `keyId:base64` AES-256 keys, distinct ids; empty for none. */
export const tokenKeyList = z.string().transform((value, context) => {
  const entries = value.split(',').filter((entry) => entry.trim() !== '');
  const keys = entries.map(parseNamedKey);
  if (keys.some((key) => key === undefined)) {
    context.addIssue({
      code: 'custom',
      message: 'expected comma-separated keyId:base64 entries, each key 32 bytes',
    });
  } else if (new Set(keys.map((key) => key?.id)).size !== keys.length) {
    context.addIssue({ code: 'custom', message: 'expected distinct key ids' });
  }
  return keys as NamedKey[];
});
