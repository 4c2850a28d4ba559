/** How a simulated device names itself in statuses and settings. */
export interface DeviceIdentity {
  /** Lowercase hex id, 6 or 12 characters. */
  id: string;
  /** Decimal rendering used on the cloud's device channels. */
  deviceId: string;
  /** Uppercase 12-hex MAC address. */
  mac: string;
  /** Gen1 `shellyswitch25-C45BBE6B2A1F`, Gen2+ `shellyplus1pm-a8032abb995c`. */
  hostname: string;
  firmware: string;
  name: string;
  /** One user-given name per channel; null where the user gave none. */
  channelNames: (string | null)[];
}

/**
 * The simulator's own id conversion, kept apart from the service's so that a misreading there is
 * not repeated here. The cloud renders a hex id as the decimal string of the same number.
 */
export function decimalOfHexId(hexId: string): string {
  return String(parseInt(hexId, 16));
}

/** A decimal rendering back to its hex id: 6 characters when it fits, otherwise 12. */
export function hexIdOfDecimal(decimal: string): string {
  const hex = Number(decimal).toString(16);
  return hex.padStart(hex.length <= 6 ? 6 : 12, '0');
}

export function clockTime(now: number): string {
  return new Date(now).toISOString().slice(11, 16);
}

export function unixSeconds(now: number): number {
  return Math.floor(now / 1000);
}

/** The cloud's `_updated` stamp, UTC `YYYY-MM-DD HH:MM:SS`. */
export function cloudTimestamp(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace('T', ' ');
}

export function fahrenheit(celsius: number): number {
  return Math.round((celsius * 1.8 + 32) * 10) / 10;
}
