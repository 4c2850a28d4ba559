import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** Where the service's AsyncAPI document lives. */
export const asyncApiPath = resolve(__dirname, '../../src/publish/asyncapi.yaml');

/** A Kafka record as a consumer sees it; `value` may be the raw text (string or Buffer) or already parsed. */
export interface ContractRecord {
  key: string | Buffer | null | undefined;
  headers: Record<string, string | Buffer | (string | Buffer)[] | undefined> | undefined;
  value: unknown;
}

type Json = Record<string, unknown>;

interface CompiledMessage {
  messageId: string;
  eventType: string;
  headers: ValidateFunction;
  payload: ValidateFunction;
  key: ValidateFunction;
}

interface CompiledChannel {
  id: string;
  address: string;
  /** Matches the topic names of this channel under any prefix; a partner channel's names the partner. */
  topicName: RegExp;
  /** By event type, i.e. by the message's `name`. */
  messages: Map<string, CompiledMessage>;
}

export interface AsyncApiContract {
  /** The document as written, `$ref`s and all. */
  document: Json;
  /** Channels by id: the keys of `topicNames()`, and `partner` + a key of `partnerTopicNames()`. */
  channels: Map<string, CompiledChannel>;
  /** A validator for one of `components.schemas`, with every `$ref` resolved. */
  schema(name: string): ValidateFunction;
}

let loaded: AsyncApiContract | undefined;

/** The document, loaded and compiled once per test file. */
export function asyncApiContract(): AsyncApiContract {
  loaded ??= loadContract(readFileSync(asyncApiPath, 'utf8'));
  return loaded;
}

/**
 * Checks one record read from Kafka against the document and answers every problem found (an
 * empty list when it conforms). `channel` is a channel id (`deviceStatus`), a channel address
 * (`device-status`) or a full topic name with any prefix (`prod.device-status`,
 * `prod.partner.acme.device-status`).
 *
 * The message is chosen by the `ce_type` header; then the headers, the JSON value and the key
 * are validated against that message, and the key must be the payload's device id (dead letters
 * without a device: a device id or the payload's host; parked records: the refused record's key;
 * account events: the account id),
 * `ce_subject` the key, `ce_type` the payload's `type`, `ce_id` its `id`, `ce_time` its `time`,
 * `ce_source` the session URN of its `source` (when it has one) and `partner-id` its `partner`
 * (absent when that is null or missing). On a partner's topic the payload's `partner` must be the
 * partner the topic name names.
 */
export function validateAgainstAsyncApi(channel: string, record: ContractRecord): string[] {
  const contract = asyncApiContract();
  const { target, topicPartner } = findChannel(contract, channel);
  const problems: string[] = [];

  const headers = readHeaders(record.headers, problems);
  const eventType = headers.ce_type;
  const message = eventType === undefined ? undefined : target.messages.get(eventType);
  if (eventType === undefined) {
    problems.push('headers: no "ce_type" header, so no message can be chosen');
  } else if (message === undefined) {
    const elsewhere = [...contract.channels.values()].find((c) => c.messages.has(eventType));
    problems.push(
      `headers: ce_type "${eventType}" is not a message of channel ${target.id} ` +
        `(expected one of ${[...target.messages.keys()].join(', ')})` +
        (elsewhere ? `; it belongs to channel ${elsewhere.id}` : ''),
    );
  }
  if (message && !message.headers(headers)) {
    problems.push(...describe('headers', message.headers.errors));
  }

  if ((record.value === undefined || record.value === null) && message?.payload(null)) {
    // A tombstone: its key names the device whose record it ends.
    const key = Buffer.isBuffer(record.key) ? record.key.toString('utf8') : record.key;
    if (!contract.schema('DeviceId')(key)) problems.push(`key: ${show(key)} is no device id`);
    return problems;
  }
  const payload = readValue(record.value, problems);
  if (payload === undefined) return problems;
  if (message && !message.payload(payload)) {
    problems.push(...describe('payload', message.payload.errors));
  }
  const body = isObject(payload) ? payload : {};
  if (eventType !== undefined && body.type !== eventType) {
    problems.push(
      `payload: type ${show(body.type)} differs from ce_type header ${show(eventType)}`,
    );
  }
  for (const [field, header] of [
    ['id', 'ce_id'],
    ['time', 'ce_time'],
  ] as const) {
    if (headers[header] !== undefined && body[field] !== headers[header]) {
      problems.push(
        `payload: ${field} ${show(body[field])} differs from ${header} header ${show(headers[header])}`,
      );
    }
  }
  const source = isObject(body.source) ? body.source : undefined;
  if (source !== undefined && headers.ce_source !== undefined) {
    const expected = `urn:shelly-ingest:${String(source.api)}:${String(source.host)}`;
    if (headers.ce_source !== expected) {
      problems.push(
        `headers: ce_source ${show(headers.ce_source)} is not ${show(expected)}, the payload's source`,
      );
    }
  }
  if ((body.partner ?? undefined) !== headers['partner-id']) {
    problems.push(
      `payload: partner ${show(body.partner)} differs from partner-id header ${show(headers['partner-id'])}`,
    );
  }
  if (topicPartner !== undefined && body.partner !== topicPartner) {
    problems.push(
      `payload: partner ${show(body.partner)} on the topic of partner ${show(topicPartner)}`,
    );
  }

  const key = Buffer.isBuffer(record.key) ? record.key.toString('utf8') : record.key;
  if (key === undefined || key === null) {
    problems.push('key: the record has no key');
    return problems;
  }
  if (message && !message.key(key)) problems.push(...describe('key', message.key.errors));
  if (headers.ce_subject !== undefined && headers.ce_subject !== key) {
    problems.push(`headers: ce_subject ${show(headers.ce_subject)} is not the key ${show(key)}`);
  }
  const device = isObject(body.device) ? body.device : undefined;
  const parked = isObject(body.record) ? body.record : undefined;
  const account = isObject(body.account) ? body.account : undefined;
  if (account !== undefined) {
    if (key !== account.id) {
      problems.push(`key: ${show(key)} is not the payload's account.id ${show(account.id)}`);
    }
  } else if (parked !== undefined) {
    if (key !== parked.key) {
      problems.push(`key: ${show(key)} is not the parked record's key ${show(parked.key)}`);
    }
  } else if (device !== undefined) {
    if (key !== device.id) {
      problems.push(`key: ${show(key)} is not the payload's device.id ${show(device.id)}`);
    }
  } else if (message) {
    const host = isObject(body.source) ? body.source.host : undefined;
    if (key !== host && !contract.schema('DeviceId')(key)) {
      problems.push(`key: ${show(key)} is neither a device id nor the payload's source.host`);
    }
  }
  return problems;
}

/** The event types (message names) of a channel, in document order. */
export function eventTypesOf(channel: string): string[] {
  return [...findChannel(asyncApiContract(), channel).target.messages.keys()];
}

/** The channel `name` stands for, and the partner a partner topic's name names. */
function findChannel(
  contract: AsyncApiContract,
  name: string,
): { target: CompiledChannel; topicPartner?: string } {
  const channels = [...contract.channels.values()];
  const named = contract.channels.get(name) ?? channels.find((c) => c.address === name);
  if (named) return { target: named };
  // The longest address that fits: `x.partner.acme.device-status` also ends in `device-status`.
  const [found] = channels
    .map((channel) => ({ channel, match: channel.topicName.exec(name) }))
    .filter(({ match }) => match !== null)
    .sort((a, b) => b.channel.address.length - a.channel.address.length);
  if (!found) throw new Error(`"${name}" names no channel of ${asyncApiPath}`);
  return { target: found.channel, topicPartner: found.match?.groups?.partnerId };
}

/** `partner.{partnerId}.consent` matches `<any prefix>partner.acme.consent`, naming `acme`. */
function topicNamePattern(address: string): RegExp {
  const literal = address.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`${literal.replace('{partnerId}', '(?<partnerId>[^.]+)')}$`);
}

function readHeaders(raw: ContractRecord['headers'], problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      problems.push(`headers: "${name}" appears ${value.length} times`);
      continue;
    }
    headers[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return headers;
}

function readValue(value: unknown, problems: string[]): unknown {
  if (value === undefined || value === null) {
    problems.push('value: the record has no value');
    return undefined;
  }
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return value;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.push(`value: not JSON (${(error as Error).message})`);
    return undefined;
  }
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      const detail =
        typeof params.additionalProperty === 'string'
          ? ` "${params.additionalProperty}"`
          : params.allowedValues !== undefined
            ? ` ${JSON.stringify(params.allowedValues)}`
            : params.allowedValue !== undefined
              ? ` ${JSON.stringify(params.allowedValue)}`
              : '';
      return `${where}${error.instancePath || ''}: ${error.message ?? error.keyword}${detail}`;
    });
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadContract(text: string): AsyncApiContract {
  const document = parse(text) as Json;
  const resolved = dereference(document, document, []) as Json;
  const ajv = new Ajv({
    allErrors: true,
    allowUnionTypes: true,
    strictSchema: true,
    strictNumbers: true,
    strictTuples: true,
    // The document refines schemas in `allOf`/`if`/`then` branches that rely on the type and the
    // properties declared beside them, which these two checks would flag.
    strictTypes: false,
    strictRequired: false,
  });
  addFormats(ajv, ['uuid', 'date-time']);

  const channels = new Map<string, CompiledChannel>();
  for (const [id, channel] of Object.entries(objectAt(resolved, 'channels'))) {
    const address = (channel as Json).address;
    if (typeof address !== 'string') throw new Error(`channel ${id} has no address`);
    const messages = new Map<string, CompiledMessage>();
    for (const [messageId, value] of Object.entries(objectAt(channel as Json, 'messages'))) {
      const message = value as Json;
      const eventType = message.name;
      if (typeof eventType !== 'string') throw new Error(`message ${messageId} has no name`);
      const key = objectAt(objectAt(objectAt(message, 'bindings'), 'kafka'), 'key');
      messages.set(eventType, {
        messageId,
        eventType,
        headers: ajv.compile(objectAt(message, 'headers')),
        payload: ajv.compile(objectAt(message, 'payload')),
        key: ajv.compile(key),
      });
    }
    channels.set(id, { id, address, topicName: topicNamePattern(address), messages });
  }

  const schemas = objectAt(objectAt(resolved, 'components'), 'schemas');
  return {
    document,
    channels,
    schema: (name) => ajv.compile(objectAt(schemas, name)),
  };
}

function objectAt(parent: Json, name: string): Json {
  const value = parent[name];
  if (!isObject(value)) throw new Error(`the AsyncAPI document lacks an object at "${name}"`);
  return value;
}

/** Replaces every local `$ref` (`#/...`) with what it points at; the document has no cycles. */
function dereference(node: unknown, root: Json, seen: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, root, seen));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    if (Object.keys(node).length > 1) throw new Error(`$ref ${ref} has sibling keywords`);
    if (seen.includes(ref)) throw new Error(`$ref cycle: ${[...seen, ref].join(' -> ')}`);
    return dereference(pointer(root, ref), root, [...seen, ref]);
  }
  return Object.fromEntries(
    Object.entries(node).map(([name, value]) => [name, dereference(value, root, seen)]),
  );
}

function pointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(name in node)) throw new Error(`$ref ${ref} points at nothing`);
    node = node[name];
  }
  return node;
}
