import { randomBytes } from 'node:crypto';
import { AccountConnections } from './account-connections';
import { Account, Accounts } from './accounts';
import { CloudControlRoutes } from './cloud-control.routes';
import { CommandHandler } from './command-handler';
import { ConsentCallback } from './consent-callback';
import { ConsentRegistry } from './consent-registry';
import { deviceModels } from './device-models';
import { DeviceReports } from './device-reports';
import { buildFleet } from './fleet';
import { HttpTransport, TOKEN_PATH } from './http-transport';
import { IntegratorConnections } from './integrator-connections';
import type { Consent, Directory } from './integrator-protocol';
import { IntegratorTokens } from './integrator-token';
import type { LoadReport } from './load-generator';
import { OAuthTokens } from './oauth-tokens';
import { LOGIN_PATH, OAuthRoutes } from './oauth.routes';
import { RequestPacer } from './request-pacer';
import { seededRandom } from './seeded-random';
import type { SimulatedDevice } from './simulated-device';
import { SimulatorError } from './simulator-error';
import { SimulatorFaults } from './simulator-faults';
import { SimulatorTimers } from './simulator-timers';
import type {
  AccountConnectionInfo,
  ConnectionInfo,
  ConsentGrant,
  ConsentResult,
  DeviceRef,
  GrantOptions,
  LoadOptions,
  RecordedAccountCommand,
  RecordedAction,
  RecordedCloudCall,
  RecordedCommand,
  RecordedRpcCall,
  RevokeOptions,
  SettingsChange,
  SimulatorControl,
  SimulatorOptions,
} from './simulator.types';
import { createTrustSigner } from './trust-token';

export { REPLACED_CLOSE_CODE, TOKEN_BROKEN_CLOSE_CODE } from './integrator-connections';
export type { IntegratorCredentials, SimulatorOptions } from './simulator.types';

const DEFAULT_HOSTS = ['shelly-103-eu.shelly.cloud', 'shelly-77-eu.shelly.cloud'];
/** Access-token lifetime observed on `shelly-diy` tokens (protocol 4.2). */
const ACCESS_TOKEN_LIFETIME_S = 12 * 3600;
/** The Cloud Control API's one request per second and account (protocol 3.2). */
const CLOUD_CONTROL_INTERVAL_MS = 1000;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * A protocol-faithful stand-in for Shelly's cloud: the Integrator side (token endpoint, one
 * WebSocket per simulated host, consent callbacks) and the account side (OAuth, Real Time Events
 * sockets, the Cloud Control HTTP API), over one fleet of devices, with faults and load, on one
 * HTTP port. Control endpoints under `/simulator/` drive it from outside the process.
 */
export class ShellySimulator implements SimulatorControl {
  readonly devices: readonly SimulatedDevice[];
  readonly hosts: readonly string[];
  readonly seed: number;
  readonly publicKeyPem: string;
  readonly commands: RecordedCommand[];
  readonly actions: RecordedAction[];
  readonly rpcCalls: RecordedRpcCall[];
  readonly accounts: readonly Account[];
  readonly accountCommands: RecordedAccountCommand[];
  readonly cloudCalls: RecordedCloudCall[];
  readonly faults: SimulatorFaults;

  private readonly byDeviceId = new Map<string, SimulatedDevice>();
  private readonly byHexId = new Map<string, SimulatedDevice>();
  private readonly timers = new SimulatorTimers();
  private readonly tokens: IntegratorTokens;
  private readonly consentRegistry: ConsentRegistry;
  private readonly integratorConnections: IntegratorConnections;
  private readonly accountRegistry: Accounts;
  private readonly oauthTokens: OAuthTokens;
  private readonly accountSockets: AccountConnections;
  private readonly deviceReports: DeviceReports;
  private readonly commandHandler: CommandHandler;
  private readonly transport: HttpTransport;
  private port = 0;

  private constructor(private readonly options: SimulatorOptions) {
    if (options.integrators.length === 0) {
      throw new SimulatorError(
        'NO_INTEGRATOR',
        'at least one integrator (tag and token) is needed',
      );
    }
    const clock = options.clock ?? Date.now;
    const commandOptions = { acceptRollerUpDown: options.acceptRollerUpDown };
    this.seed = options.seed ?? randomBytes(4).readUInt32LE();
    const rng = seededRandom(this.seed);
    this.hosts = options.hosts ?? DEFAULT_HOSTS;
    if (this.hosts.length === 0 || this.hosts.some((host) => !HOST_NAME.test(host))) {
      throw new SimulatorError('BAD_HOSTS', 'hosts must be one or more DNS names');
    }
    this.devices = buildFleet(
      options.fleet ?? { count: deviceModels.length },
      this.hosts,
      rng,
      clock(),
    );
    for (const device of this.devices) {
      this.byDeviceId.set(device.identity.deviceId, device);
      this.byHexId.set(device.identity.id, device);
    }
    const tags = options.integrators.map((integrator) => integrator.tag);
    this.tokens = new IntegratorTokens(
      randomBytes(48),
      options.tokenLifetimeSeconds ?? 86_400,
      new Set(tags),
      clock,
    );
    const signer = createTrustSigner(options.trustPrivateKeyPem);
    this.publicKeyPem = signer.publicKeyPem;
    this.consentRegistry = new ConsentRegistry(
      tags,
      new ConsentCallback(options.callbackUrl, signer, clock),
    );
    const directory: Directory = {
      device: (deviceId) => this.byDeviceId.get(deviceId),
      consent: (integrator, deviceId) => this.consentRegistry.find(integrator, deviceId),
    };
    this.faults = new SimulatorFaults({
      connectionsOf: (host) => this.integratorConnections.list(host),
      exampleDeviceId: (host) => this.exampleDeviceId(host),
    });
    this.accountRegistry = new Accounts(options.accounts ?? [], this.hosts, (ref) =>
      this.device(ref),
    );
    this.accounts = this.accountRegistry.all();
    this.oauthTokens = new OAuthTokens(
      options.accessTokenLifetimeSeconds ?? ACCESS_TOKEN_LIFETIME_S,
      clock,
    );
    this.accountSockets = new AccountConnections({
      tokens: this.oauthTokens,
      accounts: this.accountRegistry,
      onFrame: (connection, text) => this.commandHandler.handleAccountFrame(connection, text),
    });
    this.integratorConnections = new IntegratorConnections({
      tokens: this.tokens,
      consents: this.consentRegistry,
      expiredTokenHandling: options.expiredTokenHandling,
      connectionPolicy: options.connectionPolicy,
      onFrame: (connection, text) => this.commandHandler.handleFrame(connection, text),
    });
    this.deviceReports = new DeviceReports({
      devices: this.devices,
      connections: this.integratorConnections,
      accountConnections: this.accountSockets,
      accounts: this.accountRegistry,
      consents: this.consentRegistry,
      timers: this.timers,
      rng,
      clock,
      partialByDefault: options.statusUpdates === 'partial',
    });
    this.commandHandler = new CommandHandler({
      directory,
      accounts: this.accountRegistry,
      reports: this.deviceReports,
      faults: this.faults,
      timers: this.timers,
      clock,
      commandOptions,
    });
    this.commands = this.commandHandler.commands;
    this.actions = this.commandHandler.actions;
    this.rpcCalls = this.commandHandler.rpcCalls;
    this.accountCommands = this.commandHandler.accountCommands;
    const cloudControl = new CloudControlRoutes({
      accounts: this.accountRegistry,
      tokens: this.oauthTokens,
      pacer: new RequestPacer(CLOUD_CONTROL_INTERVAL_MS),
      reports: this.deviceReports,
      clock,
      commandOptions,
      cloudControlErrors: options.cloudControlErrors,
      failing: () => this.faults.failingCloudControlCalls,
    });
    this.cloudCalls = cloudControl.calls;
    this.transport = new HttpTransport({
      integrators: options.integrators,
      hosts: this.hosts,
      tokens: this.tokens,
      directory,
      consents: this.consentRegistry,
      connections: this.integratorConnections,
      accountConnections: this.accountSockets,
      oauth: new OAuthRoutes({
        accounts: this.accountRegistry,
        tokens: this.oauthTokens,
        faults: this.faults,
        clients: options.oauthClients ?? [],
      }),
      cloudControl,
      faults: this.faults,
      control: this,
    });
  }

  static async start(options: SimulatorOptions): Promise<ShellySimulator> {
    const simulator = new ShellySimulator(options);
    simulator.port = await simulator.transport.listen(
      options.port ?? 0,
      options.listenHost ?? '127.0.0.1',
    );
    if (options.updateIntervalMs) {
      simulator.deviceReports.startPeriodicUpdates(options.updateIntervalMs);
    }
    return simulator;
  }

  /** `http://<listen host>:<port>` */
  get url(): string {
    return `http://${this.options.listenHost ?? '127.0.0.1'}:${this.port}`;
  }

  get tokenUrl(): string {
    return `${this.url}${TOKEN_PATH}`;
  }

  /** `ws://127.0.0.1:<port>/{host}/shelly/wss/hk_sock?t={token}` */
  get wsUrlTemplate(): string {
    return `${this.url.replace(/^http/, 'ws')}/{host}/shelly/wss/hk_sock?t={token}`;
  }

  /** `http://127.0.0.1:<port>/{host}/integrator/unsubscribe_device` */
  get unsubscribeUrlTemplate(): string {
    return `${this.url}/{host}/integrator/unsubscribe_device`;
  }

  /** Shelly's OAuth login page, `https://my.shelly.cloud/oauth_login.html` in the real cloud. */
  get loginUrl(): string {
    return `${this.url}${LOGIN_PATH}`;
  }

  /**
   * `http://127.0.0.1:<port>/{host}`: where a host's HTTP endpoints (`/oauth/auth`, the Cloud
   * Control API) are; a code's `user_api_url` `https://<host>` stands for it.
   */
  get cloudUrlTemplate(): string {
    return `${this.url}/{host}`;
  }

  cloudUrl(host: string): string {
    return this.cloudUrlTemplate.replace('{host}', host);
  }

  /** Integrator and Real Time Events sockets share this URL; the token tells them apart. */
  wsUrl(host: string, token: string): string {
    return this.wsUrlTemplate.replace('{host}', host).replace('{token}', encodeURIComponent(token));
  }

  /** An integrator JWT, as `get_access_token` would return it. */
  issueToken(tag = this.options.integrators[0].tag): Promise<string> {
    return this.tokens.issue(tag);
  }

  device(ref: DeviceRef): SimulatedDevice {
    if (typeof ref !== 'string') return ref;
    // Hex first, as tests name devices: a ref that is one device's hex id and another's decimal names the first.
    const device = this.byHexId.get(ref.toLowerCase()) ?? this.byDeviceId.get(ref);
    if (!device) throw new SimulatorError('UNKNOWN_DEVICE', `no simulated device "${ref}"`);
    return device;
  }

  consents(): Consent[] {
    return this.consentRegistry.all();
  }

  connections(host?: string): ConnectionInfo[] {
    return this.integratorConnections.info(host);
  }

  peakConnections(host: string): number {
    return this.integratorConnections.peakConnections(host);
  }

  /** The device's status changes (emitted, or caused by commands) handed to open sockets; not load frames. */
  statusFramesDelivered(ref: DeviceRef): number {
    return this.deviceReports.statusFramesDelivered(this.device(ref));
  }

  /** Open Real Time Events sockets, of one account or of all. */
  accountConnections(userId?: number): AccountConnectionInfo[] {
    return this.accountSockets.info(userId);
  }

  /** The most Real Time Events sockets the account had open at once since the start. */
  peakAccountConnections(userId: number): number {
    return this.accountSockets.peakConnections(userId);
  }

  /**
   * The account's codes and access tokens stop working (the user revoked the app's access or
   * changed the password); its sockets close with 4401 `Token-Broken`.
   */
  /** Cuts the account's Real Time Events sockets without a close frame; returns how many. */
  dropAccountConnections(userId: number): number {
    return this.accountSockets.terminate(this.account(userId).userId);
  }

  revokeAccessTokens(userId: number): void {
    const account = this.account(userId);
    this.oauthTokens.revoke(account.userId);
    this.accountSockets.closeAll(account.userId);
  }

  async grantConsent(
    ref: DeviceRef,
    grant: ConsentGrant,
    options: GrantOptions = {},
  ): Promise<ConsentResult> {
    const device = this.device(ref);
    if (grant.link === undefined) {
      return this.consentRegistry.grant(
        device,
        this.integratorTag(grant.integrator),
        grant,
        options,
      );
    }
    const { itg, cb } = readConsentLink(grant.link);
    return this.consentRegistry.grant(
      device,
      this.integratorTag(itg),
      { ...grant, callbackUrl: cb },
      options,
    );
  }

  async revokeConsent(ref: DeviceRef, options: RevokeOptions = {}): Promise<ConsentResult> {
    const device = this.device(ref);
    return this.consentRegistry.revoke(device, this.integratorTag(options.integrator), options);
  }

  /**
   * The device reports: time passes on it (counters grow, readings move) and its status goes to
   * every consenting integrator's socket on its host. Offline devices report nothing. Returns the
   * number of sockets the frame went to.
   */
  emitStatus(ref: DeviceRef, options: { partial?: boolean } = {}): number {
    return this.deviceReports.emitStatus(this.device(ref), options.partial);
  }

  /** Sends `Shelly:Online`; a device that comes online also reports its full status. */
  setOnline(ref: DeviceRef, online: boolean): number {
    return this.deviceReports.setOnline(this.device(ref), online);
  }

  /** Applies a settings change (the device's name, channel names) and sends `Shelly:Settings`. */
  emitSettings(ref: DeviceRef, change: SettingsChange = {}): number {
    return this.deviceReports.emitSettings(this.device(ref), change);
  }

  /**
   * The owner's account moved to another cloud host (tenant rebalancing); no callback is sent. A
   * device of a simulated account moves with the whole account: its codes and tokens then name
   * the new host.
   */
  moveDevice(ref: DeviceRef, host: string): void {
    this.requireHost(host);
    const device = this.device(ref);
    const owner = this.accountRegistry.ownerOf(device);
    if (owner) this.accountRegistry.move(owner, host);
    else device.host = host;
  }

  /** Sends status frames at a rate for a while; see `runLoad`. Only consented devices take part. */
  async load(options: LoadOptions): Promise<LoadReport> {
    if (!(options.eventsPerSecond > 0) || !(options.durationMs > 0)) {
      throw new SimulatorError('INVALID_LOAD', 'eventsPerSecond and durationMs must be positive');
    }
    const integrator = this.integratorTag(options.integrator);
    const hosts = options.hosts ?? this.hosts;
    hosts.forEach((host) => this.requireHost(host));
    return this.deviceReports.load(integrator, hosts, options);
  }

  async stop(): Promise<void> {
    this.timers.clear();
    this.integratorConnections.terminateAll();
    this.accountSockets.terminateAll();
    await this.transport.close();
  }

  private integratorTag(tag: string | undefined): string {
    const chosen = tag ?? this.options.integrators[0].tag;
    if (!this.options.integrators.some((integrator) => integrator.tag === chosen)) {
      throw new SimulatorError('UNKNOWN_INTEGRATOR', `"${chosen}" is not a configured integrator`);
    }
    return chosen;
  }

  private account(userId: number): Account {
    const account = this.accountRegistry.get(userId);
    if (!account) throw new SimulatorError('UNKNOWN_ACCOUNT', `no simulated account ${userId}`);
    return account;
  }

  private requireHost(host: string): void {
    if (!this.hosts.includes(host)) {
      throw new SimulatorError('UNKNOWN_HOST', `"${host}" is not a simulated host`);
    }
  }

  /** A malformed frame names a device the integrator knows, when there is one. */
  private exampleDeviceId(host: string): string {
    const onHost = this.devices.filter((device) => device.host === host);
    const consented = onHost.find((device) => this.consentRegistry.hasConsent(device));
    return (consented ?? onHost[0] ?? this.devices[0]).identity.deviceId;
  }
}

/** The integrator tag and callback URL of a consent page URL, as Shelly's page reads them. */
function readConsentLink(link: string): { itg: string; cb: string } {
  const url = URL.parse(link);
  const itg = url?.searchParams.get('itg');
  const cb = url?.searchParams.get('cb');
  if (!url || url.pathname !== '/integrator.html' || !itg || !cb || !URL.canParse(cb)) {
    throw new SimulatorError('INVALID_LINK', `not a consent page URL with itg and cb: ${link}`);
  }
  return { itg, cb };
}
