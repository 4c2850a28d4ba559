import { gen1StatusKeys, measureGen1Status } from './gen1-status';
import { measureGen2Status } from './gen2-status';
import { Measurement } from './measurement';
import { JsonObject } from './readings';

/** The status dialect: Gen1's flat object with arrays, or Gen2+'s map of `type:N` components. */
export type StatusFormat = 'gen1' | 'gen2';

const gen2BareKeys: ReadonlySet<string> = new Set(['sys', 'wifi', 'ble', 'eth', 'ws']);

/**
 * The dialect comes from the shape: any `type:N` key means Gen2+, any Gen1-only key means Gen1, then
 * Gen2-only bare keys. A partial update carrying none of these (only `cloud`, `mqtt` or wrapper keys)
 * follows the generation the frame states, and Gen2+ otherwise: partial deltas are what Gen2+
 * devices send, and such a status yields no measurements in either dialect.
 */
export function statusFormat(status: JsonObject, statedGen: string | null): StatusFormat {
  let sawGen1Key = false;
  let sawGen2Key = false;
  for (const key in status) {
    if (key.includes(':')) return 'gen2';
    if (gen1StatusKeys.has(key)) sawGen1Key = true;
    else if (gen2BareKeys.has(key)) sawGen2Key = true;
  }
  if (sawGen1Key) return 'gen1';
  if (sawGen2Key) return 'gen2';
  return statedGen === 'G1' ? 'gen1' : 'gen2';
}

/**
 * Measurements of a device status, in the dialect its shape shows. Only what the status contains is
 * reported: partial updates give partial lists; invalid, null and sentinel readings are left out.
 */
export function measureStatus(
  status: JsonObject,
  statedGen: string | null,
): { format: StatusFormat; measurements: Measurement[] } {
  const format = statusFormat(status, statedGen);
  const measurements: Measurement[] = [];
  if (format === 'gen1') measureGen1Status(status, measurements);
  else measureGen2Status(status, measurements);
  return { format, measurements };
}
