import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  type AccountSpec,
  deviceModels,
  type FleetSpec,
  IntegratorCredentials,
  measureSimulatorCeiling,
  ShellySimulator,
} from '../simulator';

interface SimulateOptions {
  port: number;
  listen: string;
  integrator?: IntegratorCredentials[];
  hosts?: string[];
  devices?: number;
  models?: string[];
  seed?: number;
  tokenLifetime: number;
  expiredToken: 'http-401' | 'close-4401';
  connectionPolicy: 'replace-older' | 'reject-newer';
  callbackUrl?: string;
  trustKey?: string;
  publicKeyOut?: string;
  statusUpdates: 'full' | 'partial';
  updateInterval: number;
  grantAll?: number;
  acceptRollerUpDown: boolean;
  account?: AccountSpec[];
  accessTokenLifetime: number;
  cloudControlErrors: 'http-status' | 'isok-false';
}

export function registerSimulateCommand(program: Command): void {
  const simulate = program
    .command('simulate')
    .description(
      "run the Shelly cloud simulator: the Integrator API's token endpoint, WebSocket hosts, " +
        'a device fleet, consent callbacks, OAuth accounts with their Real Time Events sockets ' +
        'and Cloud Control API, faults and load, driven through /simulator/ endpoints',
    )
    .option('--port <number>', 'HTTP and WebSocket port (0 picks a free one)', port, 8090)
    .option('--listen <address>', 'interface to listen on', '127.0.0.1')
    .option(
      '--integrator <tag=token>',
      'an integrator the simulator knows (repeatable); default SHELLY_INTEGRATOR_TAG and ' +
        'SHELLY_INTEGRATOR_TOKEN from the environment',
      integrator,
    )
    .option('--hosts <names>', 'comma-separated simulated cloud hosts', list)
    .option('--devices <count>', 'fleet size, cycling through the models', positive)
    .option('--models <codes>', `comma-separated model codes (${modelCodes()})`, list)
    .option('--seed <number>', 'seed for a reproducible fleet and readings', integer)
    .option('--token-lifetime <seconds>', 'lifetime of issued integrator tokens', positive, 86_400)
    .addOption(
      new Option('--expired-token <handling>', 'how a handshake with an expired token ends')
        .choices(['http-401', 'close-4401'])
        .default('http-401'),
    )
    .addOption(
      new Option('--connection-policy <policy>', 'what a second socket to the same host does')
        .choices(['replace-older', 'reject-newer'])
        .default('replace-older'),
    )
    .option('--callback-url <url>', "the integrator's consent callback URL")
    .option('--trust-key <path>', 'PKCS#8 PEM of the P-384 key that signs SCL-Trust')
    .option('--public-key-out <path>', 'write the SCL-Trust public key (SPKI PEM) to this file')
    .addOption(
      new Option('--status-updates <kind>', 'send status changes whole or only what changed')
        .choices(['full', 'partial'])
        .default('full'),
    )
    .option(
      '--update-interval <ms>',
      'consented devices report a fresh status this often (0: never)',
      nonNegative,
      5000,
    )
    .option('--grant-all <userId>', 'at start, grant every device to this user', positive)
    .option('--accept-roller-up-down', 'also accept go: up|down for roller commands', false)
    .option(
      '--account <userId=ids>',
      'an account linked through OAuth that owns these devices (comma-separated hex or decimal ' +
        'ids, all on one host; the same seed gives the same ids); repeatable',
      account,
    )
    .option(
      '--access-token-lifetime <seconds>',
      'lifetime of issued OAuth access tokens',
      positive,
      43_200,
    )
    .addOption(
      new Option('--cloud-control-errors <kind>', 'how the v2 Cloud Control API refuses a call')
        .choices(['http-status', 'isok-false'])
        .default('http-status'),
    )
    .action(async (options: SimulateOptions) => runSimulator(options));

  simulate
    .command('ceiling')
    .description(
      'measure how many frames per second the load generator sends to a local client that only counts',
    )
    .option('--duration <ms>', 'how long to send', positive, 5000)
    .action(async (options: { duration: number }) => {
      const report = await measureSimulatorCeiling({ durationMs: options.duration });
      process.stdout.write(
        `frames sent:      ${report.framesSent} in ${report.durationMs} ms ` +
          `(${report.framesReceived} received)\n` +
          `frames/s:         ${report.framesPerSecond}\n` +
          `MB/s:             ${report.megabytesPerSecond}\n` +
          `mean frame bytes: ${report.averageFrameBytes}\n` +
          `devices:          ${report.devices}\n`,
      );
    });
}

async function runSimulator(options: SimulateOptions): Promise<void> {
  const integrators = options.integrator ?? integratorFromEnv();
  const fleet: FleetSpec | undefined =
    options.devices !== undefined || options.models !== undefined
      ? {
          count: options.devices ?? options.models?.length ?? deviceModels.length,
          models: options.models,
        }
      : undefined;
  const simulator = await ShellySimulator.start({
    integrators,
    port: options.port,
    listenHost: options.listen,
    hosts: options.hosts,
    fleet,
    seed: options.seed,
    tokenLifetimeSeconds: options.tokenLifetime,
    expiredTokenHandling: options.expiredToken,
    connectionPolicy: options.connectionPolicy,
    callbackUrl: options.callbackUrl,
    trustPrivateKeyPem: options.trustKey ? readFileSync(options.trustKey, 'utf8') : undefined,
    statusUpdates: options.statusUpdates,
    updateIntervalMs: options.updateInterval,
    acceptRollerUpDown: options.acceptRollerUpDown,
    accounts: options.account,
    accessTokenLifetimeSeconds: options.accessTokenLifetime,
    cloudControlErrors: options.cloudControlErrors,
  });
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (options.publicKeyOut) writeFileSync(options.publicKeyOut, simulator.publicKeyPem);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Shelly cloud simulator on ${simulator.url} (seed ${simulator.seed})`);
  out(`  token endpoint:  ${simulator.tokenUrl}`);
  out(`  socket template: ${simulator.wsUrlTemplate}`);
  out(`  unsubscribe:     ${simulator.unsubscribeUrlTemplate}`);
  out(`  public key:      ${simulator.url}/simulator/public-key`);
  out(`  OAuth login:     ${simulator.loginUrl}`);
  out(`  host endpoints:  ${simulator.cloudUrlTemplate} (oauth/auth, Cloud Control API)`);
  out(`  integrators:     ${integrators.map((known) => known.tag).join(', ')}`);
  out(`  hosts:           ${simulator.hosts.join(', ')}`);
  out(`  devices (${simulator.devices.length}):`);
  for (const device of simulator.devices) {
    out(
      `    ${device.identity.id.padEnd(12)}  ${device.identity.deviceId.padEnd(15)}  ` +
        `${device.model.code.padEnd(13)}  ${device.model.gen}  ${device.host}`,
    );
  }
  for (const linked of simulator.accounts) {
    const owned = linked.devices.map((device) => device.identity.id).join(', ');
    out(`  account ${linked.userId} on ${linked.host}: ${owned}`);
  }
  if (options.grantAll !== undefined) {
    let granted = 0;
    for (const device of simulator.devices) {
      const result = await simulator.grantConsent(device, { userId: options.grantAll });
      if (result.applied) granted += 1;
    }
    out(`  granted ${granted} of ${simulator.devices.length} devices to user ${options.grantAll}`);
  }
  await stopRequested;
  await simulator.stop();
}

function integratorFromEnv(): IntegratorCredentials[] {
  const tag = process.env.SHELLY_INTEGRATOR_TAG;
  const token = process.env.SHELLY_INTEGRATOR_TOKEN;
  if (!tag || !token) {
    throw new Error(
      'simulate needs an integrator: pass --integrator <tag=token> or set ' +
        'SHELLY_INTEGRATOR_TAG and SHELLY_INTEGRATOR_TOKEN',
    );
  }
  return [{ tag, token }];
}

function integrator(
  value: string,
  previous: IntegratorCredentials[] = [],
): IntegratorCredentials[] {
  const separator = value.indexOf('=');
  if (separator <= 0 || separator === value.length - 1) {
    throw new InvalidArgumentError('expected <tag>=<token>');
  }
  return [...previous, { tag: value.slice(0, separator), token: value.slice(separator + 1) }];
}

function account(value: string, previous: AccountSpec[] = []): AccountSpec[] {
  const match = /^(\d+)=(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected <userId>=<id,id,...>');
  return [...previous, { userId: Number(match[1]), devices: list(match[2]) }];
}

function list(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}

function nonNegative(value: string): number {
  const number = integer(value);
  if (number < 0) throw new InvalidArgumentError('expected 0 or more');
  return number;
}

function positive(value: string): number {
  const number = integer(value);
  if (number <= 0) throw new InvalidArgumentError('expected a positive integer');
  return number;
}

function port(value: string): number {
  const number = nonNegative(value);
  if (number > 65_535) throw new InvalidArgumentError('expected a port number up to 65535');
  return number;
}

function modelCodes(): string {
  return deviceModels.map((model) => model.code).join(', ');
}
