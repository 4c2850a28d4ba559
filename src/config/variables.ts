import { z } from 'zod';
import {
  boolean,
  brokerList,
  hostPatterns,
  httpUrl,
  integer,
  nonEmpty,
  optionalBaseUrl,
  p384PublicKey,
  postgresUrl,
  rate,
  ratio,
  rpcMethodList,
  socketUrlTemplate,
  hostUrlTemplate,
  tokenKeyList,
} from './value-types';

/** The sub-headings of the README's configuration section, one per group of variables. */
export type VariableGroup =
  | 'Service (HTTP, logs)'
  | 'Database'
  | 'Event sink'
  | 'Kafka'
  | 'Shelly cloud'
  | 'Consent'
  | 'Ingest'
  | 'Control API'
  | 'Linked accounts'
  | 'Shutdown'
  | 'Tracing';

/**
 * Every environment variable the service reads, in one table: its group, the schema that validates
 * it, its default, whether it is a secret, and the sentence the README shows. A group's variables
 * stand together, as the README shows them under one heading per group in the order of this table;
 * a test checks the README against this table.
 */
export interface Variable<T extends z.ZodType = z.ZodType> {
  group: VariableGroup;
  schema: T;
  default?: string;
  secret?: boolean;
  doc: string;
}

function variable<T extends z.ZodType>(definition: Variable<T>): Variable<T> {
  return definition;
}

export const variables = {
  NODE_ENV: variable({
    group: 'Service (HTTP, logs)',
    schema: z.enum(['production', 'development', 'test']),
    default: 'production',
    doc: '`production`, `development` or `test`.',
  }),
  HTTP_HOST: variable({
    group: 'Service (HTTP, logs)',
    schema: nonEmpty('an interface address'),
    default: '0.0.0.0',
    doc: 'Interface the HTTP servers (API port and management port) listen on.',
  }),
  HTTP_PORT: variable({
    group: 'Service (HTTP, logs)',
    schema: integer(0, 65535),
    default: '8080',
    doc: 'Port of the REST API and the consent callback. 0 picks a free port.',
  }),
  MANAGEMENT_PORT: variable({
    group: 'Service (HTTP, logs)',
    schema: integer(0, 65535),
    default: '9090',
    doc: 'Port of `/health/*`, `/metrics`, `/openapi.json` and `/docs`, on `HTTP_HOST`; keep it off the internet. The value of `HTTP_PORT` (not 0) serves them on that one port instead. 0 picks a free port.',
  }),
  TRUST_PROXY_HOPS: variable({
    group: 'Service (HTTP, logs)',
    schema: integer(0, 10),
    default: '0',
    doc: "Reverse proxies in front of the service (an ingress: 1). The client IP that per-IP limits count is then taken from `X-Forwarded-For`, that many hops back; 0 takes the socket's address and ignores the header.",
  }),
  REPLICA_URL: variable({
    group: 'Service (HTTP, logs)',
    schema: optionalBaseUrl,
    default: '',
    doc: "The URL at which the other replicas reach this one's REST port, for the commands, RPC calls and settings requests they pass on to the replica holding the device's host (the chart sets `http://$(POD_IP):8080`). Empty: `http://<hostname>:<HTTP_PORT>`.",
  }),
  LOG_LEVEL: variable({
    group: 'Service (HTTP, logs)',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Lowest level written to the log.',
  }),
  LOG_FORMAT: variable({
    group: 'Service (HTTP, logs)',
    schema: z.enum(['json', 'pretty']),
    default: 'json',
    doc: '`json` (one object per line, for log collectors) or `pretty` (readable, for development; needs the dev dependency `pino-pretty`).',
  }),
  DATABASE_URL: variable({
    group: 'Database',
    schema: postgresUrl,
    secret: true,
    doc: 'Postgres connection URL. Secret: it carries the database password.',
  }),
  DATABASE_POOL_SIZE: variable({
    group: 'Database',
    schema: integer(1, 200),
    default: '10',
    doc: 'Maximum number of Postgres connections of one instance.',
  }),
  DATABASE_CONNECT_TIMEOUT_MS: variable({
    group: 'Database',
    schema: integer(100, 600000),
    default: '5000',
    doc: 'How long a request waits for a database connection (a new one, or a free one of the pool) before it answers 503 `database_unavailable`.',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: variable({
    group: 'Database',
    schema: integer(100, 3600000),
    default: '15000',
    doc: "Postgres cancels a statement running longer (`statement_timeout`); a statement the database does not answer at all is given up a second later. Either answers 503 `database_unavailable`. Migrations don't have it.",
  }),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: variable({
    group: 'Database',
    schema: integer(100, 3600000),
    default: '60000',
    doc: "Postgres ends a connection whose transaction waited this long between statements (`idle_in_transaction_session_timeout`), releasing its locks. Keep it above Kafka's acknowledgement timeout (30 s): the outbox relay waits for it inside a transaction.",
  }),
  EVENT_SINK: variable({
    group: 'Event sink',
    schema: z.enum(['kafka', 'file']),
    default: 'kafka',
    doc: 'Where events go: `kafka`, or `file` for a trial without a broker (the demo): NDJSON lines in `EVENT_FILE`, no topics created, the `KAFKA_*` settings ignored.',
  }),
  EVENT_FILE: variable({
    group: 'Event sink',
    schema: nonEmpty('a file path'),
    default: 'events.ndjson',
    doc: 'With `EVENT_SINK=file`: the file events are appended to, one JSON line per record: `topic`, `key`, `headers`, `value`.',
  }),
  KAFKA_BROKERS: variable({
    group: 'Kafka',
    schema: brokerList,
    doc: 'Comma-separated Kafka bootstrap brokers, `host:port`. Not needed with `EVENT_SINK=file`.',
  }),
  KAFKA_CLIENT_ID: variable({
    group: 'Kafka',
    schema: nonEmpty('a client id'),
    default: 'shelly-ingest',
    doc: 'Kafka client id, shown in broker logs and quotas.',
  }),
  KAFKA_SSL: variable({
    group: 'Kafka',
    schema: boolean,
    default: 'false',
    doc: 'Connect to Kafka over TLS.',
  }),
  KAFKA_SASL_MECHANISM: variable({
    group: 'Kafka',
    schema: z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']),
    default: 'none',
    doc: 'SASL mechanism for Kafka: `none`, `plain`, `scram-sha-256` or `scram-sha-512`.',
  }),
  KAFKA_SASL_USERNAME: variable({
    group: 'Kafka',
    schema: z.string(),
    default: '',
    doc: 'SASL user name (when a mechanism is set).',
  }),
  KAFKA_SASL_PASSWORD: variable({
    group: 'Kafka',
    schema: z.string(),
    default: '',
    secret: true,
    doc: 'SASL password (when a mechanism is set). Secret.',
  }),
  KAFKA_TOPIC_PREFIX: variable({
    group: 'Kafka',
    schema: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
    default: 'shelly.',
    doc: 'Prefix of every topic name (see "Kafka topics" in docs/events.md).',
  }),
  KAFKA_TOPIC_PER_PARTNER: variable({
    group: 'Kafka',
    schema: boolean,
    default: 'false',
    doc: "Send each partner's device, consent and command audit events to topics of its own (`partner.<id>.device-status`, ... under the prefix) instead of the shared ones, so that Kafka ACLs can separate partners' consumers. Dead letters stay shared (see docs/events.md).",
  }),
  KAFKA_TOPIC_PARTITIONS: variable({
    group: 'Kafka',
    schema: integer(1, 10000),
    default: '12',
    doc: 'Partitions of the topics the service creates at start. Existing topics are left as they are.',
  }),
  KAFKA_TOPIC_REPLICATION_FACTOR: variable({
    group: 'Kafka',
    schema: integer(-1, 32).refine((n) => n !== 0, 'expected -1 (broker default) or 1..32'),
    default: '-1',
    doc: 'Replication factor of the topics the service creates; -1 takes the broker default.',
  }),
  KAFKA_CLIENT: variable({
    group: 'Kafka',
    schema: z.enum(['kafkajs', 'platformatic']),
    default: 'platformatic',
    doc: 'Kafka client library that produces the events: `platformatic` (`@platformatic/kafka`, the faster one), or `kafkajs`. Both are idempotent, wait for all in-sync replicas and partition keys alike; topics are created with kafkajs either way.',
  }),
  KAFKA_BATCH_MAX_EVENTS: variable({
    group: 'Kafka',
    schema: integer(1, 100000),
    default: '2000',
    doc: 'Most events sent to Kafka in one request.',
  }),
  KAFKA_BATCH_MAX_BYTES: variable({
    group: 'Kafka',
    schema: integer(10000, 100000000),
    default: '900000',
    doc: "Most bytes (keys and values) sent to Kafka in one request; keep it below the broker's `message.max.bytes`. An event larger than this goes to the dead-letter topic (`frame_too_large`).",
  }),
  KAFKA_LINGER_MS: variable({
    group: 'Kafka',
    schema: integer(0, 10000),
    default: '0',
    doc: 'How long a batch may wait for more events before it is sent. While one batch is in flight the next one fills anyway.',
  }),
  KAFKA_COMPRESSION: variable({
    group: 'Kafka',
    schema: z.enum(['none', 'gzip']),
    default: 'none',
    doc: 'Compression of event batches: `none` or `gzip`.',
  }),
  SHELLY_INTEGRATOR_TAG: variable({
    group: 'Shelly cloud',
    schema: nonEmpty('the integrator tag issued by Shelly, for example ITG_ACME'),
    doc: 'Integrator tag issued by Shelly (`itg`).',
  }),
  SHELLY_INTEGRATOR_TOKEN: variable({
    group: 'Shelly cloud',
    schema: nonEmpty('the integrator token issued by Shelly'),
    secret: true,
    doc: 'Integrator token issued by Shelly with the tag. Secret.',
  }),
  SHELLY_TOKEN_URL: variable({
    group: 'Shelly cloud',
    schema: httpUrl,
    default: 'https://api.shelly.cloud/integrator/get_access_token',
    doc: "Shelly's integrator token endpoint (`get_access_token`); point it at the simulator for a trial.",
  }),
  SHELLY_WS_URL_TEMPLATE: variable({
    group: 'Shelly cloud',
    schema: socketUrlTemplate,
    default: 'wss://{host}:6113/shelly/wss/hk_sock?t={token}',
    doc: 'URL of the integrator WebSocket of one cloud host; `{host}` and `{token}` (URL-encoded) are filled in.',
  }),
  SHELLY_UNSUBSCRIBE_URL_TEMPLATE: variable({
    group: 'Shelly cloud',
    schema: hostUrlTemplate,
    default: 'https://{host}/integrator/unsubscribe_device',
    doc: "Shelly's `unsubscribe_device` endpoint of one cloud host; `{host}` is filled in. `DELETE /v1/devices/{id}/consent` calls it.",
  }),
  SHELLY_ALLOW_INSECURE: variable({
    group: 'Shelly cloud',
    schema: boolean,
    default: 'false',
    doc: 'With `NODE_ENV=production` the service refuses to start with an `http://` `SHELLY_TOKEN_URL`, `SHELLY_UNSUBSCRIBE_URL_TEMPLATE`, `SHELLY_OAUTH_LOGIN_URL` or `SHELLY_OAUTH_API_URL_TEMPLATE` or a `ws://` `SHELLY_WS_URL_TEMPLATE`, which would send the integrator token or OAuth codes and tokens in clear; `true` allows them (a simulator).',
  }),
  SHELLY_TOKEN_RENEW_BEFORE_SECONDS: variable({
    group: 'Shelly cloud',
    schema: integer(0, 86400),
    default: '3600',
    doc: 'The integrator JWT is renewed this long before its `exp`.',
  }),
  SHELLY_PING_INTERVAL_MS: variable({
    group: 'Shelly cloud',
    schema: integer(100, 600000),
    default: '30000',
    doc: 'Each session pings its socket this often; a socket that has not answered the previous ping by then is replaced.',
  }),
  SHELLY_RECONNECT_MIN_MS: variable({
    group: 'Shelly cloud',
    schema: integer(10, 600000),
    default: '1000',
    doc: 'First reconnect delay of a session; it doubles on each failed attempt (with 10 % jitter).',
  }),
  SHELLY_RECONNECT_MAX_MS: variable({
    group: 'Shelly cloud',
    schema: integer(10, 3600000),
    default: '60000',
    doc: 'Cap of the reconnect delay.',
  }),
  SHELLY_SESSION_STABLE_MS: variable({
    group: 'Shelly cloud',
    schema: integer(0, 3600000),
    default: '60000',
    doc: 'A session that stayed up this long resets the reconnect delay to its minimum.',
  }),
  SESSION_LEASE_TTL_MS: variable({
    group: 'Shelly cloud',
    schema: integer(3_000, 600_000),
    default: '15000',
    doc: 'Replicas share the sessions through leases in Postgres: a session held by a replica that died is taken over within this time. A lease lasts two thirds of it and is renewed every sixth; a replica that could not renew stops the session before anyone may take it over.',
  }),
  SHELLY_RESYNC_VERIFIES_PER_SECOND: variable({
    group: 'Shelly cloud',
    schema: integer(1, 1000),
    default: '20',
    doc: 'Pace of the resync: `DeviceVerify` requests sent per second on each session, for every consented device of its host, after each (re)connect.',
  }),
  SHELLY_CONSENT_SETTLE_MS: variable({
    group: 'Shelly cloud',
    schema: integer(0, 600_000),
    default: '30000',
    doc: "Shelly applies a consent change only once the callback's 200 reaches it: a `DeviceVerify` answer that contradicts a consent changed less than this long ago is asked again this long after the change instead of applied.",
  }),
  SHELLY_CLOUD_CONTROL_INTERVAL_MS: variable({
    group: 'Shelly cloud',
    schema: integer(1000, 60_000),
    default: '1200',
    doc: 'Least time between two Cloud Control HTTP requests of one linked account, from the end of one to the start of the next. Shelly allows one request per second and account and answers faster ones with 429.',
  }),
  SHELLY_ACCOUNT_CONNECTS_PER_SECOND: variable({
    group: 'Shelly cloud',
    schema: integer(1, 1000),
    default: '50',
    doc: "Pace at which a replica opens the Real Time Events sockets of linked accounts (first connects and reconnects alike), so that a replica that starts or takes over thousands of accounts does not storm Shelly's hosts. At most 1000: beyond what a replica sustains, connects would crowd out the lease renewals.",
  }),
  CONSENT_CALLBACK_PATH: variable({
    group: 'Consent',
    schema: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'expected a URL path starting with /'),
    default: '/v1/shelly/consent',
    doc: 'Path of the consent callback that Shelly calls (the `cb` URL given to users ends with it).',
  }),
  CONSENT_CALLBACK_BASE_URL: variable({
    group: 'Consent',
    schema: optionalBaseUrl,
    default: '',
    doc: "Public URL at which Shelly reaches this service, without the path (e.g. `https://ingest.example.com`); partners' consent links put their signed callback under it, and account links their redirect URI (`/v1/accounts/oauth/callback`). Unset, `POST /v1/partners/{id}/consent-links` answers 503 `consent_links_unconfigured`, and account links 503 `accounts_not_configured`.",
  }),
  SHELLY_CONSENT_PUBLIC_KEY: variable({
    group: 'Consent',
    schema: p384PublicKey,
    default: 'shelly',
    doc: "Key that verifies the `SCL-Trust` header of consent callbacks: `shelly` for Shelly's published key, or a P-384 public key as PEM (`\\n` for newlines allowed) or base64 SPKI, e.g. the simulator's.",
  }),
  SHELLY_CONSENT_CLOCK_SKEW_SECONDS: variable({
    group: 'Consent',
    schema: integer(0, 60),
    default: '30',
    doc: 'Seconds an `SCL-Trust` token is still accepted after its `exp` or its age bound, or before its `iat`, for clock differences (at most 60).',
  }),
  SHELLY_CONSENT_MAX_TOKEN_AGE_SECONDS: variable({
    group: 'Consent',
    schema: integer(10, 600),
    default: '120',
    doc: 'How old an `SCL-Trust` token may be, by its `iat`, whatever its `exp` says (Shelly issues them for 2 minutes).',
  }),
  SHELLY_HOST_ALLOWLIST: variable({
    group: 'Consent',
    schema: hostPatterns,
    default: 'shelly-*.shelly.cloud',
    doc: 'Comma-separated Shelly cloud host names a consent may point at; `*` stands for part of one label. A callback naming another host is refused, so no one can make the service connect elsewhere.',
  }),
  CONSENT_CALLBACK_RATE_PER_IP: variable({
    group: 'Consent',
    schema: rate,
    default: '50',
    doc: "Consent callbacks per second from one client IP (token bucket); 0 turns the limit off. Over it the callback answers 429 with `Retry-After`. Generous, as Shelly's cloud calls from a few addresses for all users; behind a proxy set `TRUST_PROXY_HOPS`, or the limit counts the proxy.",
  }),
  CONSENT_CALLBACK_BURST_PER_IP: variable({
    group: 'Consent',
    schema: integer(1, 1000000),
    default: '200',
    doc: 'Consent callbacks one client IP may send at once before `CONSENT_CALLBACK_RATE_PER_IP` applies.',
  }),
  INGEST_BUFFER_MAX_BYTES: variable({
    group: 'Ingest',
    schema: integer(1048576, 4294967296),
    default: '8388608',
    doc: 'Bytes of events (as Kafka records: key, value, headers) held in memory while Kafka is slow or down; they take a little more in memory. At this bound the service stops reading from the sockets (backpressure) instead of dropping. The default, 8 MiB, holds about 7,500 events of the usual 1.1 KB.',
  }),
  INGEST_INCLUDE_RAW_STATUS: variable({
    group: 'Ingest',
    schema: boolean,
    default: 'false',
    doc: 'Add the status object as received to every status event (`status`), beside its `measurements`.',
  }),
  INGEST_LATEST_STATE_INTERVAL_MS: variable({
    group: 'Ingest',
    schema: integer(100, 600_000),
    default: '1000',
    doc: "How often a device's latest state is published to the compacted `device-state` topic at most: the states of the devices that reported in each interval are published at its end.",
  }),
  CONTROL_COMMAND_TIMEOUT_MS: variable({
    group: 'Control API',
    schema: integer(100, 120000),
    default: '10000',
    doc: 'How long a device command waits for its `Shelly:CommandResponse` before the API answers 504 `command_timeout` (the command may still have run); also how long a settings request or a resync’s `DeviceVerify` waits for its `Integrator:ActionResponse`.',
  }),
  CONTROL_RATE_PER_KEY: variable({
    group: 'Control API',
    schema: rate,
    default: '20',
    doc: 'Commands per second one API key may send (token bucket, refilled continuously); 0 turns the limit off. Over it the API answers 429 with `Retry-After`.',
  }),
  CONTROL_BURST_PER_KEY: variable({
    group: 'Control API',
    schema: integer(1, 1000000),
    default: '40',
    doc: 'Commands one API key may send at once before `CONTROL_RATE_PER_KEY` applies (the bucket size).',
  }),
  CONTROL_RATE_PER_PARTNER: variable({
    group: 'Control API',
    schema: rate,
    default: '100',
    doc: "Commands per second all of one partner's keys together may send; 0 turns the limit off. Over it the API answers 429 with `Retry-After`. Admin keys belong to no partner and are limited per key only.",
  }),
  CONTROL_BURST_PER_PARTNER: variable({
    group: 'Control API',
    schema: integer(1, 1000000),
    default: '200',
    doc: "Commands one partner's keys may send at once before `CONTROL_RATE_PER_PARTNER` applies.",
  }),
  CONTROL_RATE_PER_DEVICE: variable({
    group: 'Control API',
    schema: rate,
    default: '2',
    doc: 'Commands per second sent to one device, whatever the key; 0 turns the limit off. Over it the API answers 429 with `Retry-After`.',
  }),
  CONTROL_BURST_PER_DEVICE: variable({
    group: 'Control API',
    schema: integer(1, 1000000),
    default: '5',
    doc: 'Commands one device may receive at once before `CONTROL_RATE_PER_DEVICE` applies.',
  }),
  CONTROL_RPC_SET_METHODS: variable({
    group: 'Control API',
    schema: rpcMethodList,
    default:
      'Switch.Set,Switch.Toggle,Cover.Open,Cover.Close,Cover.Stop,Cover.GoToPosition,Light.Set,Light.Toggle,RGB.Set,RGB.Toggle,RGBW.Set,RGBW.Toggle',
    doc: 'Gen2+ RPC methods that `POST /v1/devices/{id}/rpc` relays for devices shared with control, besides the read methods every consent allows (`*.GetStatus`, `*.GetConfig`, `*.List*`, `Shelly.GetDeviceInfo`); any other method is refused with 403 `rpc_method_not_allowed`. Comma-separated, matched regardless of case. The default switches outputs, lights and covers, as commands do, and changes no configuration.',
  }),
  API_KEY_PEPPER: variable({
    group: 'Control API',
    schema: z.string().min(32, 'expected at least 32 characters of random data'),
    secret: true,
    doc: 'Server-side secret mixed into API key hashes and consent-link signatures (at least 32 characters). Secret: changing it revokes every key and the consent link of every partner.',
  }),
  AUTH_FAILURE_RATE_PER_IP: variable({
    group: 'Control API',
    schema: rate,
    default: '1',
    doc: 'Failed API key authentications (unknown, revoked or expired key) per second one client IP may make (token bucket); 0 turns the limit off. Over it every request with a key from that IP answers 429 `rate_limited` with `Retry-After`, without a database lookup.',
  }),
  AUTH_FAILURE_BURST_PER_IP: variable({
    group: 'Control API',
    schema: integer(1, 1000000),
    default: '20',
    doc: 'Failed API key authentications one client IP may make at once before `AUTH_FAILURE_RATE_PER_IP` applies.',
  }),
  SHELLY_OAUTH_CLIENT_ID: variable({
    group: 'Linked accounts',
    schema: z.string().trim(),
    default: '',
    doc: 'The OAuth `client_id` Shelly issued for linking accounts; set, it requires `ACCOUNT_TOKEN_KEYS` and `CONSENT_CALLBACK_BASE_URL`. Empty: accounts cannot be linked, and `POST /v1/accounts/links` and the redirect answer 503 `accounts_not_configured` (see docs/accounts.md).',
  }),
  SHELLY_OAUTH_LOGIN_URL: variable({
    group: 'Linked accounts',
    schema: httpUrl,
    default: 'https://my.shelly.cloud/oauth_login.html',
    doc: "Shelly's OAuth login page, where a link sends the user; the simulator's `/oauth_login.html` for a trial.",
  }),
  SHELLY_OAUTH_API_URL_TEMPLATE: variable({
    group: 'Linked accounts',
    schema: hostUrlTemplate,
    default: 'https://{host}',
    doc: "Base URL of an account's home server, the host of the code's `user_api_url` filled in for `{host}`; its `/oauth/auth` exchanges codes and renews tokens. The simulator's `http://127.0.0.1:<port>/{host}` for a trial.",
  }),
  ACCOUNT_TOKEN_KEYS: variable({
    group: 'Linked accounts',
    schema: tokenKeyList,
    default: '',
    secret: true,
    doc: 'Keys that encrypt the access tokens of linked accounts in the database (AES-256-GCM): comma-separated `keyId:base64` of 32 random bytes each (`openssl rand -base64 32`). The first encrypts; the others still decrypt, so a new key goes first and an old one stays until every token was renewed under the new one. Secret.',
  }),
  ACCOUNT_RENEWAL_CHECK_MS: variable({
    group: 'Linked accounts',
    schema: integer(100, 600_000),
    default: '30000',
    doc: 'How often each replica looks for access tokens due for renewal (at 75-85 % of their life) and renews them; one replica renews each account.',
  }),
  SHUTDOWN_DRAIN_MS: variable({
    group: 'Shutdown',
    schema: integer(0, 120000),
    default: '5000',
    doc: 'On SIGTERM or SIGINT, how long the instance goes on answering requests after it reports not ready and hands its sessions to other replicas: the time a load balancer takes to stop sending it requests. The shutdown proper follows.',
  }),
  SHUTDOWN_GRACE_MS: variable({
    group: 'Shutdown',
    schema: integer(0, 600000),
    default: '20000',
    doc: 'After the drain, the longest the shutdown may take: buffered events have until then, less one second, to reach Kafka; a shutdown that takes longer ends with exit code 1.',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable({
    group: 'Tracing',
    schema: optionalBaseUrl,
    default: '',
    doc: 'Base URL of an OpenTelemetry collector\'s OTLP/HTTP receiver (e.g. `http://otel-collector:4318`): traces go to its `/v1/traces` as JSON. Empty: no tracing, at no cost. The exporter\'s other standard variables (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`) apply. See "Tracing" in docs/operations.md.',
  }),
  OTEL_SERVICE_NAME: variable({
    group: 'Tracing',
    schema: nonEmpty('a service name'),
    default: 'shelly-ingest',
    doc: "The `service.name` of this service's spans; each replica's `service.instance.id` is its replica id.",
  }),
  OTEL_BSP_SCHEDULE_DELAY: variable({
    group: 'Tracing',
    schema: integer(10, 600_000),
    default: '5000',
    doc: 'Milliseconds between two exports of the finished spans, which leave in batches.',
  }),
  TRACING_FRAME_SAMPLE_RATIO: variable({
    group: 'Tracing',
    schema: ratio,
    default: '0.001',
    doc: "Share of the frames read from Shelly's sockets that get a trace, from 0 to 1 (the default traces one frame in a thousand). Commands, RPC calls and settings requests are always traced.",
  }),
} satisfies Record<string, Variable>;

export type VariableName = keyof typeof variables;

export type Env = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };

export const secretVariableNames: VariableName[] = (
  Object.entries(variables) as [VariableName, Variable][]
)
  .filter(([, definition]) => definition.secret === true)
  .map(([name]) => name);
