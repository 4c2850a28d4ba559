import { decimalReading, hexReading } from '../common';
import { JsonObject, isJsonObject } from './readings';
import { RejectReason } from './reject-reason';

/** A frame, or a part of one, that cannot be used: the dead-letter reason and what is wrong. */
export interface RejectedFrame {
  kind: 'rejected';
  reason: RejectReason;
  detail: string;
}

/** Device ids are MAC addresses: 48 bits. */
const maxDeviceNumber = 2 ** 48 - 1;

/** The generations the cloud states (protocol 1.2). Another is refused rather than guessed at. */
const knownGenerations: ReadonlySet<string> = new Set(['G1', 'G2', 'G3', 'G4', 'GBLE', 'V1']);

/** Model codes are short identifiers (`SNSW-102P16EU`); a longer text would be copied into every event. */
const maxModelCodeLength = 64;

export interface StatedDevice {
  id: string;
  /**
   * The hex reading of an id of 6 or 12 digits, which reads both ways; `id` is its decimal reading.
   * The caller that knows the consented devices picks between them (see `chooseReading`).
   */
  hexReading: string | undefined;
  gen: string | null;
  model: string | null;
}

/**
 * Integrator frames name the device with a flat `deviceId`; RTE frames with `device: {id, code, gen}`.
 * The shape decides, not the channel the frame came on, since RTE command responses use `deviceId`.
 */
export function readDevice(frame: JsonObject): StatedDevice | RejectedFrame {
  const device = frame.device;
  let rawId = frame.deviceId;
  let gen: string | null = null;
  let model: string | null = null;
  if (device !== undefined) {
    if (!isJsonObject(device)) return rejected('invalid_field', '"device" is not an object');
    rawId ??= device.id;
    const statedGen = readGeneration(device.gen);
    if (isRejected(statedGen)) return statedGen;
    const statedModel = readModelCode(device.code);
    if (isRejected(statedModel)) return statedModel;
    gen = statedGen;
    model = statedModel;
  }
  if (rawId === undefined || rawId === null) {
    return rejected('missing_device_id', 'the frame has no "deviceId" or "device.id"');
  }
  const id = readDeviceId(rawId);
  if (isRejected(id)) return id;
  const hex = typeof rawId === 'string' ? hexReading(rawId) : undefined;
  return { id, hexReading: hex === id ? undefined : hex, gen, model };
}

/** `device.gen` and `device.code` may be absent or null: the device is then read without them. */
function readGeneration(gen: unknown): string | null | RejectedFrame {
  if (gen === undefined || gen === null) return null;
  if (typeof gen !== 'string') return rejected('invalid_field', '"device.gen" is not a string');
  if (knownGenerations.has(gen)) return gen;
  return rejected(
    'unknown_generation',
    `generation ${JSON.stringify(gen.slice(0, 16))} is none of ${[...knownGenerations].join(', ')}`,
  );
}

function readModelCode(code: unknown): string | null | RejectedFrame {
  if (code === undefined || code === null) return null;
  if (typeof code === 'string' && code.length > 0 && code.length <= maxModelCodeLength) return code;
  return rejected(
    'invalid_field',
    `"device.code" is not a model code of 1 to ${maxModelCodeLength} characters`,
  );
}

/**
 * The cloud renders ids in decimal: all digits are read as decimal, letters a–f as hex. A number is
 * read like the same digits sent as a string, so one device keeps one key across the cloud's switch
 * from numeric to string ids.
 */
export function readDeviceId(rawId: unknown): string | RejectedFrame {
  if (typeof rawId === 'number') {
    if (!Number.isInteger(rawId) || rawId < 0) {
      return rejected('invalid_device_id', `device id ${rawId} is not a non-negative integer`);
    }
    if (rawId > maxDeviceNumber) {
      return rejected('number_out_of_range', `device id ${rawId} is beyond 48 bits`);
    }
    rawId = String(rawId);
  }
  if (typeof rawId !== 'string') {
    return rejected('invalid_device_id', `device id is ${jsonKind(rawId)}, not a string`);
  }
  const id = decimalReading(rawId) ?? hexReading(rawId);
  if (id !== undefined) return id;
  const shown = JSON.stringify(rawId.slice(0, 40));
  return isPlainDecimal(rawId)
    ? rejected('number_out_of_range', `device id ${shown} is beyond 48 bits`)
    : rejected('invalid_device_id', `device id ${shown} is not a decimal, hex or X… id`);
}

/** All digits without a leading zero: a decimal id, which decimalReading refuses only when too large. */
function isPlainDecimal(text: string): boolean {
  if (text.length === 0 || text.charCodeAt(0) === 48) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

export function rejected(reason: RejectReason, detail: string): RejectedFrame {
  return { kind: 'rejected', reason, detail };
}

export function isRejected(value: unknown): value is RejectedFrame {
  return (value as RejectedFrame | undefined)?.kind === 'rejected';
}

export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
