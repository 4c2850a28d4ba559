import { DomainError } from '../common';
import { answerToKeep, isIdempotencyKey, requestFingerprint } from './command-idempotency';
import type { CommandSuccess } from './send-device-command';

const success: CommandSuccess = { trid: 7, device: 'aabbccddeeff', outcome: 'ok', latencyMs: 12 };

describe('idempotency keys', () => {
  it('accepts 1 to 255 printable ASCII characters', () => {
    expect(isIdempotencyKey('a')).toBe(true);
    expect(isIdempotencyKey('order 17/retry-key ~!')).toBe(true);
    expect(isIdempotencyKey('k'.repeat(255))).toBe(true);
  });

  it('refuses an empty or too long key, control characters and non-ASCII', () => {
    expect(isIdempotencyKey('')).toBe(false);
    expect(isIdempotencyKey('k'.repeat(256))).toBe(false);
    expect(isIdempotencyKey('tab\there')).toBe(false);
    expect(isIdempotencyKey('clé')).toBe(false);
  });
});

describe('request fingerprint', () => {
  const on = { type: 'relay', channel: 0, action: 'on' } as const;

  it('is the same for the same command written in another order', () => {
    expect(requestFingerprint('aabbccddeeff', on)).toBe(
      requestFingerprint('aabbccddeeff', { action: 'on', channel: 0, type: 'relay' }),
    );
  });

  it('differs for another device or another command', () => {
    const first = requestFingerprint('aabbccddeeff', on);
    expect(requestFingerprint('aabbccddee00', on)).not.toBe(first);
    expect(requestFingerprint('aabbccddeeff', { ...on, action: 'off' })).not.toBe(first);
    expect(requestFingerprint('aabbccddeeff', { ...on, timeoutSeconds: 5 })).not.toBe(first);
  });
});

describe('answers kept for retries', () => {
  it('keeps a success as 200 with its body', () => {
    expect(answerToKeep({ sent: true, success })).toEqual({ status: 200, body: success });
  });

  it('keeps an error of a command that was sent, with its status and body', () => {
    const refused = new DomainError('device_refused', 'Shelly refused the command: BUSY', {
      reason: 'BUSY',
    });
    expect(answerToKeep({ sent: true, error: refused })).toEqual({
      status: 502,
      body: { code: 'device_refused', message: refused.message, reason: 'BUSY' },
    });
    const timeout = new DomainError('command_timeout', 'no answer');
    expect(answerToKeep({ sent: true, error: timeout })).toEqual({
      status: 504,
      body: { code: 'command_timeout', message: 'no answer' },
    });
  });

  it('keeps nothing of an attempt that ended before sending', () => {
    const offline = new DomainError('device_offline', 'device aabbccddeeff is offline');
    expect(answerToKeep({ sent: false, error: offline })).toBeUndefined();
    const limited = new DomainError('rate_limited', 'too many', { retryAfterSeconds: 1 });
    expect(answerToKeep({ sent: false, error: limited })).toBeUndefined();
  });
});
