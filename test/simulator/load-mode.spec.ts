import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { SocketClient } from './socket-client';

const HOSTS = ['shelly-103-eu.shelly.cloud', 'shelly-77-eu.shelly.cloud'];

async function receivedAtLeast(clients: SocketClient[], count: number) {
  for (let waited = 0; waited < 10_000; waited += 10) {
    if (clients.reduce((sum, client) => sum + client.frames.length, 0) >= count) return;
    await sleep(10);
  }
}

describe('load mode', () => {
  let simulator: ShellySimulator;
  let clients: SocketClient[];

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: HOSTS,
      fleet: { count: 32 },
      seed: 4,
    });
    for (const device of simulator.devices.slice(0, 24)) {
      await simulator.grantConsent(device, { userId: 1 });
    }
    const token = await simulator.issueToken();
    clients = await Promise.all(
      HOSTS.map((host) => SocketClient.connect(simulator.wsUrl(host, token))),
    );
  });
  afterEach(async () => {
    clients.forEach((client) => client.close());
    await simulator.stop();
  });

  it('sends exactly the frames it reports, per host, each with _bench', async () => {
    const report = await simulator.load({ eventsPerSecond: 4000, durationMs: 250 });
    await receivedAtLeast(clients, report.framesSent);
    await sleep(20);

    expect(report.targetFrames).toBe(1000);
    expect(report.framesSent + report.behind).toBe(1000);
    HOSTS.forEach((host, index) => {
      expect(clients[index].frames).toHaveLength(report.framesByHost[host]);
    });
    const frames = clients.flatMap((client) => client.frames);
    expect(frames).toHaveLength(report.framesSent);
    const sequence = frames.map((frame) => Number(frame.status._bench.seq)).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: report.framesSent }, (_, index) => index));
    for (const frame of frames) {
      expect(frame.event).toBe('Shelly:StatusOnChange');
      expect(typeof frame.status._bench.sentAt).toBe('number');
    }
  });

  it('uses only consented devices, in a mix of generations', async () => {
    const report = await simulator.load({ eventsPerSecond: 2000, durationMs: 100 });
    await receivedAtLeast(clients, report.framesSent);

    const consented = new Set(simulator.consents().map((consent) => consent.deviceId));
    const frames = clients.flatMap((client) => client.frames);
    expect(report.devices).toBe(24);
    expect(frames.every((frame) => consented.has(frame.deviceId))).toBe(true);
    expect(frames.some((frame) => 'relays' in frame.status || 'tmp' in frame.status)).toBe(true);
    expect(frames.some((frame) => 'sys' in frame.status)).toBe(true);
  });

  it('limits a run to the hosts and device count asked for', async () => {
    const report = await simulator.load({
      eventsPerSecond: 1000,
      durationMs: 100,
      hosts: [HOSTS[1]],
      devices: 3,
    });

    expect(report.devices).toBe(3);
    expect(Object.keys(report.framesByHost)).toEqual([HOSTS[1]]);
  });

  it('stops writing to a consumer that does not read, keeping memory bounded', async () => {
    (clients[0].socket as unknown as { _socket: Socket })._socket.pause();

    const report = await simulator.load({
      eventsPerSecond: 1_000_000,
      durationMs: 300,
      hosts: [HOSTS[0]],
      maxBufferedBytes: 256 * 1024,
    });

    expect(report.targetFrames).toBe(300_000);
    expect(report.behind).toBeGreaterThan(0);
    expect(report.framesSent + report.behind).toBe(300_000);
    expect(report.bytesSent).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a run with no eligible device', async () => {
    clients.forEach((client) => client.close());
    await sleep(20);

    await expect(simulator.load({ eventsPerSecond: 10, durationMs: 10 })).rejects.toMatchObject({
      code: 'NO_LOAD_DEVICES',
    });
  });
});
