/**
 * Shelly device ids come from the MAC address. User-facing places show them as 6-hex (old Gen1) or
 * 12-hex; the cloud's device channels carry the decimal rendering of the same number as a string.
 * Ids of BLE, Z-Wave and similar devices start with `X` and have no numeric form, so they pass through.
 *
 * A string of 6 or 12 digits reads both ways: `"662316"` is hex `0a1b2c` read as decimal, and hex
 * `662316` read as hex. About 5 % of 6-hex ids have a six-digit decimal form, so neither reading can
 * be dropped: each place that reads ids says which reading it prefers, and `chooseReading` lets a
 * known device decide.
 */

const MAX_DEVICE_NUMBER = 2 ** 48 - 1;
const HEX_ID = /^(?:[0-9a-f]{6}|[0-9a-f]{12})$/i;
const DECIMAL_ID = /^[1-9][0-9]{0,14}$/;
/** Bounded like every id from outside: the longest BLE or Z-Wave id seen is far shorter. */
const OPAQUE_ID = /^X[\x21-\x7e]{1,63}$/;

/** The id `value` names read as decimal: plain digits within 48 bits, padded to 6 or 12 hex. */
export function decimalReading(value: string): string | undefined {
  if (typeof value !== 'string' || !DECIMAL_ID.test(value)) return undefined;
  const number = Number(value);
  if (number > MAX_DEVICE_NUMBER) return undefined;
  const hex = number.toString(16);
  return hex.padStart(hex.length <= 6 ? 6 : 12, '0');
}

/** The id `value` names read as hex (6 or 12 characters, lowercased); X ids as they are. */
export function hexReading(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('X')) return OPAQUE_ID.test(value) ? value : undefined;
  return (value.length === 6 || value.length === 12) && HEX_ID.test(value)
    ? value.toLowerCase()
    : undefined;
}

/**
 * An id as the cloud sends it (socket frames, consent callbacks, SCL-Trust tokens): the cloud renders
 * ids in decimal, so all digits are decimal; letters a–f make it hex.
 */
export function cloudDeviceId(value: string): string | undefined {
  return decimalReading(value) ?? hexReading(value);
}

/**
 * Of the two readings of one string, the one that names a device `isKnown` knows when exactly one
 * does; otherwise `preferred`, or whichever reading exists.
 */
export function chooseReading(
  preferred: string | undefined,
  other: string | undefined,
  isKnown: (deviceId: string) => boolean,
): string | undefined {
  if (preferred === undefined || other === undefined) return preferred ?? other;
  return !isKnown(preferred) && isKnown(other) ? other : preferred;
}

/** The decimal rendering the cloud uses for a hex id; X ids as they are. */
export function toDecimalDeviceId(hexId: string): string | undefined {
  const canonical = hexReading(hexId);
  if (canonical === undefined || canonical.startsWith('X')) return canonical;
  return String(parseInt(canonical, 16));
}
