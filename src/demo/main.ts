import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ApiKeyStore, ConsentLinkSigner, partnerConsentLink, PartnerStore } from '../partners';
import { startApp } from '../app';
import { sleep } from '../common';
import { type AppConfig, ConfigError, loadConfig } from '../config';
import { migrate, readMigrations } from '../database';
import { createLogger, Metrics } from '../observability';
import { ShellySimulator } from '../simulator';
import { EmbeddedPostgres } from './embedded-postgres';
import { startEventRateLine } from './event-rate';

/**
 * `npm run demo`: the whole service on one machine with nothing installed but Node. An embedded
 * Postgres (PGlite), the Shelly cloud simulator with a small fleet on two hosts, two partners whose
 * users share half of the fleet each through the partner's consent link, and events in an NDJSON
 * file (or on Kafka when KAFKA_BROKERS is set).
 */

const INTEGRATOR_TAG = 'ITG_DEMO';
const PARTNERS = [
  { id: 'acme-energy', name: 'Acme Energy', userId: 1001 },
  { id: 'brightbuild', name: 'BrightBuild Installers', userId: 1002 },
] as const;
/** How long Ctrl-C may take before the demo exits anyway. */
const STOP_TIMEOUT_MS = 15_000;

const out = (line = '') => process.stdout.write(`${line}\n`);

async function portFor(wanted: string | undefined): Promise<number> {
  const port = Number(wanted ?? 8080);
  if (port !== 0) return port;
  // The simulator must know the callback URL before the service listens.
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => done(free));
    });
    server.once('error', fail);
  });
}

/** The service configuration: the demo's choices, and the few settings a user may override. */
function demoConfig(env: Record<string, string>): AppConfig {
  const fromUser = (name: string) => process.env[name]?.trim() || undefined;
  const brokers = fromUser('KAFKA_BROKERS');
  try {
    return loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: fromUser('LOG_LEVEL') ?? 'warn',
      LOG_FORMAT: fromUser('LOG_FORMAT') ?? 'pretty',
      DATABASE_POOL_SIZE: '4',
      EVENT_SINK: brokers ? 'kafka' : 'file',
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: fromUser('KAFKA_TOPIC_PREFIX') ?? 'shelly-demo.',
      KAFKA_TOPIC_PARTITIONS: '3',
      SHUTDOWN_GRACE_MS: '10000',
      API_KEY_PEPPER: randomBytes(32).toString('hex'),
      ...env,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  out('Starting the demo: embedded Postgres, Shelly cloud simulator, shelly-ingest ...');
  const postgres = await EmbeddedPostgres.start();
  await migrate(postgres.url, readMigrations());

  const port = await portFor(process.env.HTTP_PORT);
  const url = `http://127.0.0.1:${port}`;
  const integratorToken = randomBytes(24).toString('base64url');
  const sim = await ShellySimulator.start({
    integrators: [{ tag: INTEGRATOR_TAG, token: integratorToken }],
    seed: 42,
    updateIntervalMs: 2_000,
    callbackUrl: `${url}/v1/shelly/consent`,
  });

  const eventFile = resolve(process.env.EVENT_FILE?.trim() || 'demo-events.ndjson');
  const config = demoConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    // One port, so that every URL printed below is on it.
    MANAGEMENT_PORT: String(port),
    DATABASE_URL: postgres.url,
    EVENT_FILE: eventFile,
    SHELLY_INTEGRATOR_TAG: INTEGRATOR_TAG,
    SHELLY_INTEGRATOR_TOKEN: integratorToken,
    SHELLY_TOKEN_URL: sim.tokenUrl,
    SHELLY_WS_URL_TEMPLATE: sim.wsUrlTemplate,
    SHELLY_UNSUBSCRIBE_URL_TEMPLATE: sim.unsubscribeUrlTemplate,
    SHELLY_CONSENT_PUBLIC_KEY: sim.publicKeyPem,
    CONSENT_CALLBACK_BASE_URL: url,
  });
  if (config.events.sink === 'file') writeFileSync(eventFile, '');
  const app = await startApp(config, createLogger(config.log, config.secrets));

  // Half of the fleet to each partner; the last device only with read access, to show a 403.
  const half = Math.ceil(sim.devices.length / 2);
  const readOnly = sim.devices.at(-1);
  const [acme, brightbuild] = await Promise.all(
    PARTNERS.map((partner, index) =>
      setUpPartner(app, config, sim, partner, {
        devices: sim.devices.slice(index * half, (index + 1) * half),
        readOnly,
      }),
    ),
  );
  const relay = acme.devices.find((device) => device.model.layout.relays);
  const ready = await waitForReady(url);

  const consents = acme.devices.length + brightbuild.devices.length;
  out();
  out(
    `Shelly Integrator Ingest demo is running${ready ? '' : ' (not ready yet, see /health/ready)'}. Ctrl-C stops it.`,
  );
  out(
    `  ${sim.devices.length} simulated devices on ${sim.hosts.join(' and ')}; ${consents} consents granted ` +
      "by signed callbacks, through two partners' consent links",
  );
  out();
  out(`  REST API    ${url}/v1/devices`);
  out(`  API docs    ${url}/docs`);
  out(`  metrics     ${url}/metrics`);
  out(`  readiness   ${url}/health/ready`);
  if (config.events.sink === 'file') {
    out(`  events      ${eventFile}   (one JSON line per record: topic, key, headers, value)`);
  } else {
    out(
      `  events      Kafka ${config.kafka.brokers.join(',')}, topics ${config.kafka.topicPrefix}*`,
    );
  }
  out(`  simulator   ${sim.url}/simulator/devices`);
  out(`  database    ${postgres.url}   (PGlite, in memory)`);
  for (const partner of [acme, brightbuild]) {
    const readOnlyNote =
      readOnly && partner.devices.includes(readOnly)
        ? `, ${readOnly.identity.id} read-only (commands get 403)`
        : '';
    out();
    out(
      `  Partner     ${partner.name} (${partner.id}): ${partner.devices.length} devices${readOnlyNote}`,
    );
    out(`  API key     ${partner.key}   (scopes read, control)`);
    out(`  devices     curl -H '${bearer(partner)}' ${url}/v1/devices`);
  }
  out();
  if (relay) {
    out(
      `  toggle      curl -X POST -H '${bearer(acme)}' -H 'Content-Type: application/json' ` +
        `-d '{"type":"relay","channel":0,"action":"toggle"}' ${url}/v1/devices/${relay.identity.id}/commands`,
    );
  }
  out(
    `  isolation   curl -i -H '${bearer(acme)}' ${url}/v1/devices/${brightbuild.devices[0].identity.id}` +
      `   (404: a device of ${brightbuild.name}, not of ${acme.name})`,
  );
  out();

  const stopRateLine = startEventRateLine(app.get(Metrics), config.kafka.topics, process.stdout);
  stopOnSignal(async () => {
    stopRateLine();
    out('Stopping: closing the sockets and writing the buffered events ...');
    await app.close();
    await sim.stop();
    await postgres.stop();
    out(`Stopped.${config.events.sink === 'file' ? ` The events stay in ${eventFile}.` : ''}`);
  });
}

type SimulatedDevice = ShellySimulator['devices'][number];

interface DemoPartner {
  id: string;
  name: string;
  /** A read+control key of the partner's. */
  key: string;
  /** The devices its user shared through its consent link. */
  devices: SimulatedDevice[];
}

/** The partner, its key, and its user's consent through the partner's consent link. */
async function setUpPartner(
  app: INestApplication,
  config: AppConfig,
  sim: ShellySimulator,
  partner: (typeof PARTNERS)[number],
  share: { devices: SimulatedDevice[]; readOnly: SimulatedDevice | undefined },
): Promise<DemoPartner> {
  await app.get(PartnerStore).create(partner.id, partner.name);
  const { key } = await app
    .get(ApiKeyStore)
    .create(`demo-${partner.id}`, ['read', 'control'], { partnerId: partner.id });
  const { url: link } = partnerConsentLink(partner.id, app.get(ConsentLinkSigner), {
    integratorTag: config.shelly.integratorTag,
    callbackBaseUrl: config.consent.callbackBaseUrl,
    callbackPath: config.consent.callbackPath,
  });
  const shared: SimulatedDevice[] = [];
  for (const device of share.devices) {
    const result = await sim.grantConsent(device, {
      userId: partner.userId,
      accessGroups: device === share.readOnly ? '00' : '01',
      link,
    });
    if (result.applied) shared.push(device);
    else out(`  consent for ${device.identity.id} failed: ${result.status} ${result.body ?? ''}`);
  }
  return { id: partner.id, name: partner.name, key, devices: shared };
}

function bearer(partner: DemoPartner): string {
  return `Authorization: Bearer ${partner.key}`;
}

async function waitForReady(url: string, timeoutMs = 15_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (response?.ok) return true;
    await sleep(200);
  }
  return false;
}

function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      out('Stopping now.');
      process.exit(130);
    }
    stopping = true;
    setTimeout(() => {
      out('The demo did not stop in time; exiting.');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The demo failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
