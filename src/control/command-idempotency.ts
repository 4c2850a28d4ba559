import { createHash } from 'node:crypto';
import { errorBody, type ErrorBody, errorStatus } from '../common';
import type { DeviceRequest } from './device-request';
import type { CommandAnswer, CommandSuccess } from './send-device-command';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** 1 to 255 printable ASCII characters. */
export function isIdempotencyKey(value: string): boolean {
  return IDEMPOTENCY_KEY.test(value);
}

/** The first answer to a request with an idempotency key, as it went out. */
export interface StoredAnswer {
  status: number;
  body: CommandSuccess | ErrorBody;
}

/**
 * What a retry must repeat under the same key: the device (hex) and the validated command. The
 * fields are hashed in name order, so the same command written in another order matches.
 */
export function requestFingerprint(deviceId: string, command: DeviceRequest): string {
  const fields = Object.entries(command).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([deviceId, fields]))
    .digest('hex');
}

/**
 * The answer retries get in place of sending again, kept only when the command went to Shelly and
 * may have run. An attempt that ended before sending keeps nothing: a retry may send.
 */
export function answerToKeep(answer: CommandAnswer): StoredAnswer | undefined {
  if (!answer.sent) return undefined;
  if ('error' in answer) {
    return { status: errorStatus[answer.error.code], body: errorBody(answer.error) };
  }
  return { status: 200, body: answer.success };
}
