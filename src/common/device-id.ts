/**
 * Shelly device ids come from the MAC address. User-facing places show them as 6-hex (old Gen1) or
 * 12-hex; the cloud's device channels carry the decimal rendering of the same number as a string.
 * Ids of BLE, Z-Wave and similar devices start with `X` and have no numeric form, so they pass through.
 *
 * Both functions accept any of these forms and answer `undefined` for anything that is not a device id.
 * An all-digit value of exactly 6 or 12 characters is read as hex: no Shelly MAC renders as a 12-digit
 * decimal, and 6-hex ids are what old Gen1 devices show.
 */

const MAX_DEVICE_NUMBER = 2 ** 48 - 1;
const HEX_ID = /^(?:[0-9a-f]{6}|[0-9a-f]{12})$/i;
const DECIMAL_ID = /^[1-9][0-9]{0,14}$/;
/** Bounded like every id from outside: the longest BLE or Z-Wave id seen is far shorter. */
const OPAQUE_ID = /^X[\x21-\x7e]{1,63}$/;

export function toHexDeviceId(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Length and first character first: this runs for every frame, and most ids are decimal.
  if (value.startsWith('X')) return OPAQUE_ID.test(value) ? value : undefined;
  if ((value.length === 6 || value.length === 12) && HEX_ID.test(value)) return value.toLowerCase();
  if (!DECIMAL_ID.test(value)) return undefined;
  const number = Number(value);
  if (number > MAX_DEVICE_NUMBER) return undefined;
  const hex = number.toString(16);
  return hex.padStart(hex.length <= 6 ? 6 : 12, '0');
}

export function toDecimalDeviceId(hex: string): string | undefined {
  const canonical = toHexDeviceId(hex);
  if (canonical === undefined || OPAQUE_ID.test(canonical)) return canonical;
  return String(parseInt(canonical, 16));
}
