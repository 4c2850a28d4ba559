import { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { BackoffPolicy, RateLimit } from '../common';
import { Topics, topicNames } from './topics';
import type { NamedKey } from './value-types';
import { Env, secretVariableNames, VariableName, variables } from './variables';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` from the working directory when present; variables already set win. */
export function loadDotEnvFile(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * Validates the named variables and returns them typed. Every problem is collected, so one start
 * reports all bad variables at once; a secret's value never appears in a message.
 */
export function readVariables<N extends VariableName>(
  source: Record<string, string | undefined>,
  names: readonly N[],
): Pick<Env, N> {
  const values: Partial<Env> = {};
  const problems: string[] = [];
  for (const name of names) {
    const definition = variables[name];
    const raw =
      source[name] === undefined || source[name] === '' ? definition.default : source[name];
    if (raw === undefined) {
      problems.push(`${name} is required: ${definition.doc}`);
      continue;
    }
    const result = (definition.schema as z.ZodType).safeParse(raw);
    if (result.success) {
      (values as Record<string, unknown>)[name] = result.data;
    } else {
      const shown = 'secret' in definition && definition.secret ? '' : ` (got "${raw}")`;
      problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as Pick<Env, N>;
}

export interface AppConfig {
  env: Env['NODE_ENV'];
  http: HttpConfig;
  log: LogConfig;
  database: DatabaseConfig;
  kafka: KafkaConfig;
  shelly: ShellyConfig;
  ingest: IngestConfig;
  consent: ConsentConfig;
  apiKeys: { pepper: string; failuresPerIp: RateLimit };
  control: ControlConfig;
  accounts: AccountsConfig;
  events: EventsConfig;
  shutdownGraceMs: number;
  shutdownDrainMs: number;
  tracing: TracingConfig;
  /** Values that must never reach a log line, an error body or a metric label. */
  secrets: string[];
}

export interface HttpConfig {
  host: string;
  port: number;
  /** The port of health, metrics and the API document; `null`: they share `port`. */
  managementPort: number | null;
  trustProxyHops: number;
  /** Where the other replicas reach this one's REST port. */
  replicaUrl: string;
}

export interface LogConfig {
  level: Env['LOG_LEVEL'];
  format: Env['LOG_FORMAT'];
}

export interface ShellyConfig {
  integratorTag: string;
  integratorToken: string;
  tokenUrl: string;
  socketUrlTemplate: string;
  unsubscribeUrlTemplate: string;
  tokenRenewBeforeSeconds: number;
  pingIntervalMs: number;
  reconnect: BackoffPolicy & { stableMs: number };
  resyncVerifiesPerSecond: number;
  consentSettleMs: number;
  sessionLeaseTtlMs: number;
  cloudControlIntervalMs: number;
  accountConnectsPerSecond: number;
}

export interface IngestConfig {
  bufferMaxBytes: number;
  includeRawStatus: boolean;
  latestStateIntervalMs: number;
}

export interface ConsentConfig {
  callbackPath: string;
  /** Public URL of this service for Shelly, without the path; `null`: no consent links. */
  callbackBaseUrl: string | null;
  publicKey: KeyObject;
  clockSkewSeconds: number;
  maxTokenAgeSeconds: number;
  hostAllowlist: string[];
  callbacksPerIp: RateLimit;
}

export interface ControlConfig {
  commandTimeoutMs: number;
  /** Gen2+ RPC methods relayed for devices shared with control, besides the read methods. */
  rpcSetMethods: string[];
  perKey: RateLimit;
  perPartner: RateLimit;
  perDevice: RateLimit;
}

/** Shelly accounts linked through OAuth (see docs/accounts.md). */
export interface AccountsConfig {
  /** Null: accounts cannot be linked. */
  clientId: string | null;
  loginUrl: string;
  apiUrlTemplate: string;
  /** The first seals; empty: accounts cannot be linked. */
  tokenKeys: NamedKey[];
  renewalCheckMs: number;
}

export interface TracingConfig {
  /** The OTLP/HTTP base URL, without `/v1/traces`; `null`: tracing is off. */
  endpoint: string | null;
  serviceName: string;
  exportDelayMs: number;
  /** Share of the frames read that get a span, from 0 to 1. */
  frameSampleRatio: number;
}

/** Which EventPublisher driver carries the events. */
export interface EventsConfig {
  sink: 'kafka' | 'file';
  /** The NDJSON file of the `file` sink. */
  file: string;
}

export interface DatabaseConfig {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  topicPrefix: string;
  /** The shared topics; with `topicPerPartner` a partner's events go to `partnerTopicNames` instead. */
  topics: Topics;
  topicPerPartner: boolean;
  topicPartitions: number;
  topicReplicationFactor: number;
  batchMaxEvents: number;
  batchMaxBytes: number;
  lingerMs: number;
  compression: 'none' | 'gzip';
  /** The client library of the event producer; topics are created with kafkajs either way. */
  client: 'kafkajs' | 'platformatic';
}

const allVariableNames = Object.keys(variables) as VariableName[];

export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const { EVENT_SINK } = readVariables(source, ['EVENT_SINK']);
  const v = readVariables(
    source,
    EVENT_SINK === 'file'
      ? allVariableNames.filter((name) => name !== 'KAFKA_BROKERS')
      : allVariableNames,
  );
  if (v.KAFKA_SASL_MECHANISM !== 'none' && (!v.KAFKA_SASL_USERNAME || !v.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError([
      `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is ${v.KAFKA_SASL_MECHANISM}`,
    ]);
  }
  const cleartext = cleartextShellyUrls(v);
  if (cleartext.length > 0) throw new ConfigError(cleartext);
  const accounts = missingForAccounts(v);
  if (accounts.length > 0) throw new ConfigError(accounts);
  return {
    env: v.NODE_ENV,
    http: {
      host: v.HTTP_HOST,
      port: v.HTTP_PORT,
      // Two zeros are two free ports; only a fixed port can be shared.
      managementPort:
        v.MANAGEMENT_PORT !== 0 && v.MANAGEMENT_PORT === v.HTTP_PORT ? null : v.MANAGEMENT_PORT,
      trustProxyHops: v.TRUST_PROXY_HOPS,
      replicaUrl: v.REPLICA_URL || `http://${hostname()}:${v.HTTP_PORT}`,
    },
    log: logConfigFrom(v),
    database: databaseConfigFrom(v),
    kafka: {
      brokers: v.KAFKA_BROKERS ?? [],
      clientId: v.KAFKA_CLIENT_ID,
      ssl: v.KAFKA_SSL,
      sasl:
        v.KAFKA_SASL_MECHANISM === 'none'
          ? undefined
          : {
              mechanism: v.KAFKA_SASL_MECHANISM,
              username: v.KAFKA_SASL_USERNAME,
              password: v.KAFKA_SASL_PASSWORD,
            },
      topicPrefix: v.KAFKA_TOPIC_PREFIX,
      topics: topicNames(v.KAFKA_TOPIC_PREFIX),
      topicPerPartner: v.KAFKA_TOPIC_PER_PARTNER,
      topicPartitions: v.KAFKA_TOPIC_PARTITIONS,
      topicReplicationFactor: v.KAFKA_TOPIC_REPLICATION_FACTOR,
      batchMaxEvents: v.KAFKA_BATCH_MAX_EVENTS,
      batchMaxBytes: v.KAFKA_BATCH_MAX_BYTES,
      lingerMs: v.KAFKA_LINGER_MS,
      compression: v.KAFKA_COMPRESSION,
      client: v.KAFKA_CLIENT,
    },
    shelly: {
      integratorTag: v.SHELLY_INTEGRATOR_TAG,
      integratorToken: v.SHELLY_INTEGRATOR_TOKEN,
      tokenUrl: v.SHELLY_TOKEN_URL,
      socketUrlTemplate: v.SHELLY_WS_URL_TEMPLATE,
      unsubscribeUrlTemplate: v.SHELLY_UNSUBSCRIBE_URL_TEMPLATE,
      tokenRenewBeforeSeconds: v.SHELLY_TOKEN_RENEW_BEFORE_SECONDS,
      pingIntervalMs: v.SHELLY_PING_INTERVAL_MS,
      reconnect: {
        minMs: v.SHELLY_RECONNECT_MIN_MS,
        maxMs: v.SHELLY_RECONNECT_MAX_MS,
        jitter: 0.1,
        stableMs: v.SHELLY_SESSION_STABLE_MS,
      },
      resyncVerifiesPerSecond: v.SHELLY_RESYNC_VERIFIES_PER_SECOND,
      consentSettleMs: v.SHELLY_CONSENT_SETTLE_MS,
      sessionLeaseTtlMs: v.SESSION_LEASE_TTL_MS,
      cloudControlIntervalMs: v.SHELLY_CLOUD_CONTROL_INTERVAL_MS,
      accountConnectsPerSecond: v.SHELLY_ACCOUNT_CONNECTS_PER_SECOND,
    },
    ingest: {
      bufferMaxBytes: v.INGEST_BUFFER_MAX_BYTES,
      includeRawStatus: v.INGEST_INCLUDE_RAW_STATUS,
      latestStateIntervalMs: v.INGEST_LATEST_STATE_INTERVAL_MS,
    },
    consent: {
      callbackPath: v.CONSENT_CALLBACK_PATH,
      callbackBaseUrl: v.CONSENT_CALLBACK_BASE_URL || null,
      publicKey: v.SHELLY_CONSENT_PUBLIC_KEY,
      clockSkewSeconds: v.SHELLY_CONSENT_CLOCK_SKEW_SECONDS,
      maxTokenAgeSeconds: v.SHELLY_CONSENT_MAX_TOKEN_AGE_SECONDS,
      hostAllowlist: v.SHELLY_HOST_ALLOWLIST,
      callbacksPerIp: {
        ratePerSecond: v.CONSENT_CALLBACK_RATE_PER_IP,
        burst: v.CONSENT_CALLBACK_BURST_PER_IP,
      },
    },
    apiKeys: {
      pepper: v.API_KEY_PEPPER,
      failuresPerIp: {
        ratePerSecond: v.AUTH_FAILURE_RATE_PER_IP,
        burst: v.AUTH_FAILURE_BURST_PER_IP,
      },
    },
    control: {
      commandTimeoutMs: v.CONTROL_COMMAND_TIMEOUT_MS,
      rpcSetMethods: v.CONTROL_RPC_SET_METHODS,
      perKey: { ratePerSecond: v.CONTROL_RATE_PER_KEY, burst: v.CONTROL_BURST_PER_KEY },
      perPartner: { ratePerSecond: v.CONTROL_RATE_PER_PARTNER, burst: v.CONTROL_BURST_PER_PARTNER },
      perDevice: { ratePerSecond: v.CONTROL_RATE_PER_DEVICE, burst: v.CONTROL_BURST_PER_DEVICE },
    },
    accounts: {
      clientId: v.SHELLY_OAUTH_CLIENT_ID || null,
      loginUrl: v.SHELLY_OAUTH_LOGIN_URL,
      apiUrlTemplate: v.SHELLY_OAUTH_API_URL_TEMPLATE,
      tokenKeys: v.ACCOUNT_TOKEN_KEYS,
      renewalCheckMs: v.ACCOUNT_RENEWAL_CHECK_MS,
    },
    events: { sink: v.EVENT_SINK, file: v.EVENT_FILE },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    shutdownDrainMs: v.SHUTDOWN_DRAIN_MS,
    tracing: {
      endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT || null,
      serviceName: v.OTEL_SERVICE_NAME,
      exportDelayMs: v.OTEL_BSP_SCHEDULE_DELAY,
      frameSampleRatio: v.TRACING_FRAME_SAMPLE_RATIO,
    },
    secrets: secretValues(v),
  };
}

/**
 * In production the integrator token and its JWT, and the OAuth codes and tokens of linked accounts,
 * travel only over TLS, unless explicitly allowed.
 */
function cleartextShellyUrls(
  v: Pick<
    Env,
    | 'NODE_ENV'
    | 'SHELLY_ALLOW_INSECURE'
    | 'SHELLY_TOKEN_URL'
    | 'SHELLY_WS_URL_TEMPLATE'
    | 'SHELLY_UNSUBSCRIBE_URL_TEMPLATE'
    | 'SHELLY_OAUTH_LOGIN_URL'
    | 'SHELLY_OAUTH_API_URL_TEMPLATE'
  >,
): string[] {
  if (v.NODE_ENV !== 'production' || v.SHELLY_ALLOW_INSECURE) return [];
  const urls = [
    ['SHELLY_TOKEN_URL', 'https://'],
    ['SHELLY_WS_URL_TEMPLATE', 'wss://'],
    ['SHELLY_UNSUBSCRIBE_URL_TEMPLATE', 'https://'],
    ['SHELLY_OAUTH_LOGIN_URL', 'https://'],
    ['SHELLY_OAUTH_API_URL_TEMPLATE', 'https://'],
  ] as const;
  return urls
    .filter(([name, scheme]) => !v[name].startsWith(scheme))
    .map(
      ([name, scheme]) =>
        `${name}: expected a ${scheme} URL with NODE_ENV=production (got "${v[name]}"); set SHELLY_ALLOW_INSECURE=true to allow it`,
    );
}

/**
 * Linking accounts is off without an OAuth client id; with one, it needs the rest, so that a
 * half-done setup stops the start instead of answering 503 later.
 */
function missingForAccounts(
  v: Pick<Env, 'SHELLY_OAUTH_CLIENT_ID' | 'ACCOUNT_TOKEN_KEYS' | 'CONSENT_CALLBACK_BASE_URL'>,
): string[] {
  if (!v.SHELLY_OAUTH_CLIENT_ID) return [];
  const needed = [
    ['ACCOUNT_TOKEN_KEYS', v.ACCOUNT_TOKEN_KEYS.length > 0],
    ['CONSENT_CALLBACK_BASE_URL', v.CONSENT_CALLBACK_BASE_URL !== ''],
  ] as const;
  return needed
    .filter(([, present]) => !present)
    .map(([name]) => `${name} is required when SHELLY_OAUTH_CLIENT_ID is set (linked accounts)`);
}

export function logConfigFrom(v: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>): LogConfig {
  return { level: v.LOG_LEVEL, format: v.LOG_FORMAT };
}

/** The variables of the database settings, for commands that read only these. */
export const databaseVariableNames = [
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_CONNECT_TIMEOUT_MS',
  'DATABASE_STATEMENT_TIMEOUT_MS',
  'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
] as const;

export function databaseConfigFrom(
  v: Pick<Env, (typeof databaseVariableNames)[number]>,
): DatabaseConfig {
  return {
    url: v.DATABASE_URL,
    poolSize: v.DATABASE_POOL_SIZE,
    connectTimeoutMs: v.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: v.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: v.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/** The secret values present among `v`, plus the password inside the database URL. */
export function secretValues(v: Partial<Env>): string[] {
  const found = secretVariableNames
    .flatMap((name) => {
      const value = v[name];
      return Array.isArray(value)
        ? (value as NamedKey[]).map((named) => named.key.toString('base64'))
        : [value];
    })
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
  if (v.DATABASE_URL) {
    const password = decodeURIComponent(new URL(v.DATABASE_URL).password);
    if (password) found.push(password);
  }
  return found;
}
