import type { Account, AccountSpec } from './accounts';
import type { FleetSpec } from './fleet';
import type { CommandAnswer } from './frames';
import type { Consent, JrpcAnswer } from './integrator-protocol';
import type { LoadReport } from './load-generator';
import type { SimulatedDevice } from './simulated-device';
import type { SimulatorFaults } from './simulator-faults';
import type { TrustTamper } from './trust-token';

export interface IntegratorCredentials {
  tag: string;
  token: string;
}

export interface SimulatorOptions {
  integrators: IntegratorCredentials[];
  /** Default 0: a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  listenHost?: string;
  /** Simulated cloud hosts; default `shelly-103-eu.shelly.cloud` and `shelly-77-eu.shelly.cloud`. */
  hosts?: string[];
  /** Default: one device of every model, spread over the hosts. */
  fleet?: FleetSpec;
  /** Same seed, same fleet and readings. Default: random (see `seed`). */
  seed?: number;
  /** Lifetime of issued integrator JWTs; default 86400 (24 h, as documented). */
  tokenLifetimeSeconds?: number;
  /** `http-401` refuses the handshake; `close-4401` accepts it, then closes with 4401 Token-Broken. */
  expiredTokenHandling?: 'http-401' | 'close-4401';
  /** What a second socket for the same integrator and host does; default `replace-older`. */
  connectionPolicy?: 'replace-older' | 'reject-newer';
  /** Where consent callbacks go; without it consent changes apply directly. */
  callbackUrl?: string;
  /** PKCS#8 PEM of the P-384 key that signs `SCL-Trust`; default a key generated at start. */
  trustPrivateKeyPem?: string;
  /** Whether status changes are sent whole or as the changed components only; default `full`. */
  statusUpdates?: 'full' | 'partial';
  /** Every consented online device reports a fresh status this often; default 0 (never). */
  updateIntervalMs?: number;
  /** Also accept `go: up|down` for `roller`. */
  acceptRollerUpDown?: boolean;
  /**
   * Shelly accounts that link through OAuth, each owning fleet devices on its home host; they use
   * the Real Time Events sockets and the Cloud Control API. Default none.
   */
  accounts?: AccountSpec[];
  /** OAuth clients besides `shelly-diy`, which may redirect anywhere. */
  oauthClients?: OAuthClientSpec[];
  /** Lifetime of issued OAuth access tokens; default 43200 (12 h, as observed). */
  accessTokenLifetimeSeconds?: number;
  /**
   * How the Cloud Control v2 API refuses a call: `http-status` (default) as documented, HTTP
   * 400/404 with `{error, data: {messages}}`; `isok-false` as observed, HTTP 200 `{"isok":false}`.
   */
  cloudControlErrors?: 'http-status' | 'isok-false';
  /** Time source of statuses, tokens and the Cloud Control rate limit; faults and load use real time. */
  clock?: () => number;
}

export interface OAuthClientSpec {
  clientId: string;
  /** A regular expression the whole `redirect_uri` must match. */
  redirectUriPattern: string;
}

export interface ConsentGrant {
  userId: number;
  /** "01" read + control (default), "00" read-only. */
  accessGroups?: string;
  /** One name per channel. */
  names?: string[];
  /** Integrator tag; default the first configured. */
  integrator?: string;
  /**
   * The consent page URL the user followed (`https://my.shelly.cloud/integrator.html?itg=…&cb=…`):
   * its `itg` names the integrator, its `cb` receives this callback and the revoke. Default: the
   * simulator's callback URL.
   */
  link?: string;
}

export interface GrantOptions {
  tamper?: TrustTamper;
  /** The cloud holds the consent and sends the device's frames; the integrator never knew. */
  callbackLost?: boolean;
  /**
   * The cloud applies the grant this long after the callback's 200 (its own commit lag); until
   * then it answers for the device as before, `UNAUTHORIZED` to a `DeviceVerify` of a new grant.
   */
  appliedAfterMs?: number;
}

export interface RevokeOptions {
  integrator?: string;
  tamper?: TrustTamper;
  /** The cloud drops the consent, but its callback never reaches the integrator. */
  callbackLost?: boolean;
}

export interface ConsentResult {
  /** Whether the simulator's own consent state changed. */
  applied: boolean;
  /** The callback's HTTP status; absent without a callback URL or when the POST failed. */
  status?: number;
  body?: string;
  /** Transport failure of the POST. */
  error?: string;
}

export interface SettingsChange {
  name?: string;
  channelNames?: string[];
}

/** One `Shelly:CommandRequest` as received, with what was answered. */
export interface CommandRecord {
  at: number;
  host: string;
  trid: number | string | undefined;
  deviceId: unknown;
  cmd: unknown;
  params: unknown;
  answer?: CommandAnswer;
  detail?: string;
  /** `none`: no trid, nothing to answer; `error-frame`: answered with an `Error` frame, not run. */
  delivery: Delivery;
}

/** A command on an integrator socket. */
export interface RecordedCommand extends CommandRecord {
  integrator: string;
}

/** A command on an account's Real Time Events socket. */
export interface RecordedAccountCommand extends CommandRecord {
  userId: number;
}

/** One call of the Cloud Control HTTP API, with the HTTP status it was answered with. */
export interface RecordedCloudCall {
  at: number;
  host: string;
  method: string;
  path: string;
  status: number;
  /** The account of a valid access token. */
  userId?: number;
}

export type Delivery = 'sent' | 'delayed' | 'dropped' | 'error-frame' | 'none';

/** One `Shelly:JrpcRequest` as received, with the `response` answered. */
export interface RecordedRpcCall {
  at: number;
  integrator: string;
  host: string;
  trid: number | string | undefined;
  deviceId: unknown;
  method: unknown;
  params: unknown;
  response?: JrpcAnswer;
  delivery: Delivery;
}

export interface RecordedAction {
  at: number;
  integrator: string;
  host: string;
  trid: number | string | undefined;
  request: unknown;
  result: unknown;
}

export interface ConnectionInfo {
  integrator: string;
  host: string;
  openedAt: number;
  frozen: boolean;
}

/** An open Real Time Events socket. */
export interface AccountConnectionInfo {
  userId: number;
  host: string;
  openedAt: number;
}

export interface LoadOptions {
  eventsPerSecond: number;
  durationMs: number;
  /** Use at most this many devices; default every eligible one. */
  devices?: number;
  /** Default every simulated host. */
  hosts?: string[];
  integrator?: string;
  maxBufferedBytes?: number;
}

export type DeviceRef = SimulatedDevice | string;

/** What the `/simulator/` control endpoints drive. */
export interface SimulatorControl {
  readonly devices: readonly SimulatedDevice[];
  readonly hosts: readonly string[];
  readonly seed: number;
  readonly publicKeyPem: string;
  readonly commands: readonly RecordedCommand[];
  readonly actions: readonly RecordedAction[];
  readonly rpcCalls: readonly RecordedRpcCall[];
  readonly accounts: readonly Account[];
  readonly accountCommands: readonly RecordedAccountCommand[];
  readonly cloudCalls: readonly RecordedCloudCall[];
  readonly faults: SimulatorFaults;
  device(ref: DeviceRef): SimulatedDevice;
  consents(): Consent[];
  connections(host?: string): ConnectionInfo[];
  /** The most sockets one integrator had open to `host` at once (the cloud allows one). */
  peakConnections(host: string): number;
  accountConnections(userId?: number): AccountConnectionInfo[];
  peakAccountConnections(userId: number): number;
  revokeAccessTokens(userId: number): void;
  grantConsent(ref: DeviceRef, grant: ConsentGrant, options?: GrantOptions): Promise<ConsentResult>;
  revokeConsent(ref: DeviceRef, options?: RevokeOptions): Promise<ConsentResult>;
  emitStatus(ref: DeviceRef, options?: { partial?: boolean }): number;
  setOnline(ref: DeviceRef, online: boolean): number;
  emitSettings(ref: DeviceRef, change?: SettingsChange): number;
  moveDevice(ref: DeviceRef, host: string): void;
  load(options: LoadOptions): Promise<LoadReport>;
}
