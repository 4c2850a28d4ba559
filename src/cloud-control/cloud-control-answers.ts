import { z } from 'zod';
import { isJsonObject } from '../normalize';

/**
 * Why a Cloud Control call failed. `unauthorized`: the access token was refused, or the account
 * moved to another host (`wrong_host`); the caller must renew the token, which names the home host;
 * `rate_limited`: still refused for the rate after the retries; `refused`: Shelly said no
 * without a reason (`isok:false`) or the device failed the command; `unavailable`: no answer, a
 * timeout or a server error; `bad_answer`: an answer of an unexpected shape; `queue_full` and
 * `cancelled`: never sent, the account had too many requests waiting or was removed.
 */
export type CloudControlErrorKind =
  | 'rate_limited'
  | 'unauthorized'
  | 'device_offline'
  | 'invalid_request'
  | 'not_found'
  | 'refused'
  | 'unavailable'
  | 'bad_answer'
  | 'queue_full'
  | 'cancelled';

export interface CloudControlFailure {
  ok: false;
  error: CloudControlErrorKind;
  /** What happened, for a log line: Shelly's error code and words, never the token. */
  detail: string;
}

export type CloudControlResult<T> = { ok: true; value: T } | CloudControlFailure;

/** An HTTP answer as read off the wire: the status and the body parsed as JSON (undefined if not JSON). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

const v2ErrorKinds: Record<string, CloudControlErrorKind> = {
  DEVICE_OFFLINE: 'device_offline',
  DEVICE_FAILED_COMMAND: 'refused',
  DEVICE_INVALID_MODE: 'invalid_request',
  DEVICE_INVALID_CHANNEL: 'invalid_request',
  DEVICE_UNSUPPORTED_COMMAND: 'invalid_request',
  BAD_REQUEST: 'invalid_request',
  DEVICE_NOT_FOUND: 'not_found',
  INSTANCE_NOT_FOUND: 'unavailable',
  UNEXPECTED_SUBSERVICE_ERROR: 'unavailable',
};

/** Codes of the v1 envelope's `errors` (protocol 1.4) that say more than the HTTP status. */
const v1ErrorKinds: Record<string, CloudControlErrorKind> = {
  max_req: 'rate_limited',
  invalid_token: 'unauthorized',
  device_not_found: 'not_found',
};

/** A device of `/interface/device/get_all_lists`, keyed by its hex id. */
const listedDevice = z.looseObject({
  name: z.string().optional(),
  type: z.string().optional(),
  gen: z.string().optional(),
  cloud_online: z.boolean().optional(),
});
export type ListedDevice = z.infer<typeof listedDevice>;

const deviceListAnswer = z.looseObject({
  isok: z.literal(true),
  data: z.looseObject({ devices: z.record(z.string(), listedDevice) }),
});

/** One device of a v2 `get` answer. Virtual devices may carry a numeric id (protocol 3.3). */
const deviceState = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  code: z.string().optional(),
  gen: z.string().optional(),
  online: z.union([z.literal(0), z.literal(1), z.boolean()]).transform((flag) => Boolean(flag)),
  status: z.record(z.string(), z.unknown()).optional(),
});
export type DeviceState = z.infer<typeof deviceState>;

const getAnswer = z.array(deviceState);

const controlAnswer = z.looseObject({ isok: z.boolean().optional(), error: z.string().optional() });

/** `/interface/device/get_all_lists`: the account's devices by hex id. */
export function readDeviceList(
  answer: HttpAnswer,
): CloudControlResult<Record<string, ListedDevice>> {
  const failure = failureOf(answer);
  if (failure) return failure;
  const read = readShape(deviceListAnswer, answer.body);
  return read.ok ? { ok: true, value: read.value.data.devices } : read;
}

/** v2 `devices/api/get`: the state of up to ten devices. */
export function readDeviceStates(answer: HttpAnswer): CloudControlResult<DeviceState[]> {
  const failure = failureOf(answer);
  if (failure) return failure;
  return readShape(getAnswer, answer.body);
}

/** v2 `set/switch|cover|light`: done, or why not. */
export function readControlAnswer(answer: HttpAnswer): CloudControlResult<void> {
  const failure = failureOf(answer);
  if (failure) return failure;
  const read = readShape(controlAnswer, answer.body);
  return read.ok ? { ok: true, value: undefined } : read;
}

/**
 * A call succeeded only if it is HTTP 200 with neither an `error` nor `isok:false` (protocol 3.4,
 * where a refusal is observed as HTTP 200 `{"isok":false}`). 429, 401, 403 and 5xx decide the kind
 * by themselves; otherwise Shelly's error code does when it names one, else the status.
 */
export function failureOf({ status, body }: HttpAnswer): CloudControlFailure | undefined {
  const object = isJsonObject(body) ? body : {};
  const v2Error = typeof object.error === 'string' ? object.error : undefined;
  const v1Errors = errorCodes(object.errors);
  if (status === 200 && v2Error === undefined && object.isok !== false) return undefined;
  const codes = v2Error === undefined ? v1Errors : [v2Error];
  const detail = `HTTP ${status}${codes.length > 0 ? ` ${codes.join(', ')}` : ''}${messagesOf(object)}`;
  const named = codes.map((code) => v2ErrorKinds[code] ?? v1ErrorKinds[code]).find(Boolean);
  return { ok: false, error: kindOfStatus(status) ?? named ?? kindOfRefusal(status), detail };
}

function kindOfStatus(status: number): CloudControlErrorKind | undefined {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'unavailable';
  return undefined;
}

function kindOfRefusal(status: number): CloudControlErrorKind {
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'invalid_request';
  if (status === 200) return 'refused';
  return 'unavailable';
}

/** `errors` is an object keyed by error code, or an array of codes (protocol 1.4): both are read. */
function errorCodes(errors: unknown): string[] {
  if (Array.isArray(errors)) return errors.filter((code) => typeof code === 'string');
  return isJsonObject(errors) ? Object.keys(errors) : [];
}

/** v2's `data.messages`: Shelly's own words, bounded for a log line. */
function messagesOf(body: Record<string, unknown>): string {
  const messages = isJsonObject(body.data) ? body.data.messages : undefined;
  if (!Array.isArray(messages)) return '';
  const text = messages.filter((message) => typeof message === 'string').join('; ');
  return text === '' ? '' : `: ${text.slice(0, 200)}`;
}

function readShape<T extends z.ZodType>(schema: T, body: unknown): CloudControlResult<z.output<T>> {
  const read = schema.safeParse(body);
  if (read.success) return { ok: true, value: read.data };
  const issue = read.error.issues[0];
  return {
    ok: false,
    error: 'bad_answer',
    detail: `unexpected answer: ${issue.path.join('.') || 'body'}: ${issue.message}`,
  };
}
