import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';

const demoMain = resolve(__dirname, '../../dist/demo/main.js');

interface SinkRecord {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: {
    type: string;
    id: string;
    time: string;
    device?: { id: string };
    measurements?: { component: string; channel: number; metric: string; value: unknown }[];
  };
}

function readSink(path: string): SinkRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SinkRecord);
}

/** The relay's `output` in one status record, if the record reports it. */
function relayOutput(record: SinkRecord, deviceId: string): boolean | undefined {
  if (record.value.type !== 'device.status.v1' || record.key !== deviceId) return undefined;
  const reading = record.value.measurements?.find(
    (m) => m.component === 'switch' && m.channel === 0 && m.metric === 'output',
  );
  return reading?.value as boolean | undefined;
}

interface PrintedPartner {
  id: string;
  devices: number;
  key: string;
  readOnlyDevice?: string;
}

function printedPartners(output: string): PrintedPartner[] {
  const partner =
    /Partner\s+.+ \((\S+)\): (\d+) devices(?:, (\S+) read-only)?.*\n\s+API key\s+(sik_\S+)/g;
  return [...output.matchAll(partner)].map(([, id, devices, readOnlyDevice, key]) => ({
    id,
    devices: Number(devices),
    key,
    readOnlyDevice,
  }));
}

async function deviceIds(url: string, key: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/devices`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  const { devices } = (await response.json()) as { devices: { id: string }[] };
  return devices.map((device) => device.id);
}

async function statusOf(url: string, key: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  await response.arrayBuffer();
  return response.status;
}

/** What the demo prints of its two partners holds: each key sees its own devices, not the other's. */
async function expectPartnersIsolated(url: string, output: string): Promise<void> {
  const partners = printedPartners(output);
  expect(partners.map((partner) => partner.id)).toEqual(['acme-energy', 'brightbuild']);
  const devicesOf = await Promise.all(partners.map((partner) => deviceIds(url, partner.key)));
  for (const [index, partner] of partners.entries()) {
    expect(devicesOf[index]).toHaveLength(partner.devices);
    expect(partner.devices).toBeGreaterThan(0);
    const otherDevice = devicesOf[1 - index][0];
    expect(await statusOf(`${url}/v1/devices/${otherDevice}`, partner.key)).toBe(404);
  }

  const [, key, deviceUrl] =
    /isolation\s+curl -i -H 'Authorization: Bearer (sik_\S+)' (http:\/\/\S+)/.exec(output) ?? [];
  expect(key).toBe(partners[0].key);
  expect(devicesOf[1]).toContain(deviceUrl.split('/').at(-1));
  expect(await statusOf(deviceUrl, key)).toBe(404);

  const { key: readOnlyKey, readOnlyDevice } = partners[1];
  const toggle = { method: 'POST', body: '{"type":"relay","channel":0,"action":"toggle"}' };
  expect(await statusOf(`${url}/v1/devices/${readOnlyDevice}/commands`, readOnlyKey, toggle)).toBe(
    403,
  );
}

describe('npm run demo', () => {
  let demo: ChildProcess | undefined;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'demo-'));
  });

  afterAll(() => {
    demo?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs without infrastructure, keeps its two partners apart, writes events to the NDJSON sink and toggles a relay over REST', async () => {
    const eventFile = join(dir, 'events.ndjson');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HTTP_PORT: String(await freePort()),
      EVENT_FILE: eventFile,
    };
    demo = spawn(process.execPath, [demoMain], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => demo?.once('exit', (code) => done(code)));

    await eventually(() => expect(output).toContain('demo is running.'), 30_000);
    const url = /REST API\s+(http:\/\/\S+)\/v1\/devices/.exec(output)?.[1];
    const [toggleKey, relayId] =
      /toggle\s+curl -X POST -H 'Authorization: Bearer (sik_\S+)'.*\/v1\/devices\/([0-9a-f]+)\/commands/
        .exec(output)
        ?.slice(1) ?? [];
    expect([url, toggleKey, relayId].every(Boolean)).toBe(true);
    expect(output).toContain(`events      ${eventFile}`);
    await expectPartnersIsolated(url!, output);
    // The relay has reported at least once, so its state before the command is known.
    let before: boolean | undefined;
    await eventually(() => {
      const reports = readSink(eventFile)
        .map((record) => relayOutput(record, relayId))
        .filter((value) => value !== undefined);
      before = reports.at(-1);
      expect(typeof before).toBe('boolean');
    }, 15_000);
    const seen = readSink(eventFile).length;

    const response = await fetch(`${url}/v1/devices/${relayId}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${toggleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'relay', channel: 0, action: 'toggle' }),
    });
    expect(response.status).toBe(200);
    await eventually(() => {
      const after = readSink(eventFile)
        .slice(seen)
        .map((record) => relayOutput(record, relayId))
        .filter((value) => value !== undefined);
      expect(after[0]).toBe(!before);
    }, 10_000);

    const ready = await fetch(`${url}/health/ready`);
    expect([ready.status, ((await ready.json()) as { status: string }).status]).toEqual([
      200,
      'ok',
    ]);

    // The rate line comes every 5 s off a terminal; a slow start may not have reached the first.
    await eventually(() => expect(output).toMatch(/events\/s {2}status \d+ {2}online \d+/), 15_000);
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');

    const records = readSink(eventFile);
    const types = new Set(records.map((record) => record.value.type));
    expect([...types]).toEqual(
      expect.arrayContaining(['device.status.v1', 'consent.granted.v1', 'command.audit.v1']),
    );
    for (const record of records) {
      expect(record.headers).toEqual({
        ce_specversion: '1.0',
        ce_id: record.value.id,
        ce_source: expect.stringMatching(/^urn:shelly-ingest:/) as string,
        ce_type: record.value.type,
        ce_subject: record.key,
        ce_time: record.value.time,
        'content-type': 'application/json',
        'partner-id': expect.stringMatching(/^(acme-energy|brightbuild)$/) as string,
      });
    }
  }, 60_000);
});
