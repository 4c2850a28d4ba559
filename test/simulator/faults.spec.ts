import { setTimeout as sleep } from 'node:timers/promises';
import { malformedKinds } from '../../src/simulator/frames';
import { ShellySimulator } from '../../src/simulator/simulator.server';
import { handshakeOutcome, SocketClient } from './socket-client';

const HOST = 'shelly-103-eu.shelly.cloud';

describe('faults on demand', () => {
  let simulator: ShellySimulator;
  let client: SocketClient;
  let trid = 0;

  beforeEach(async () => {
    simulator = await ShellySimulator.start({
      integrators: [{ tag: 'ITG_ACME', token: 'secret' }],
      hosts: [HOST],
      fleet: { devices: [{ model: 'SNSW-001P16EU' }] },
      seed: 2,
    });
    await simulator.grantConsent(simulator.devices[0], { userId: 1 });
    client = await SocketClient.connect(simulator.wsUrl(HOST, await simulator.issueToken()));
  });
  afterEach(async () => {
    client.close();
    await simulator.stop();
  });

  function sendCommand() {
    trid += 1;
    client.socket.send(
      JSON.stringify({
        event: 'Shelly:CommandRequest',
        trid,
        deviceId: simulator.devices[0].identity.deviceId,
        data: { cmd: 'relay', params: { id: 0, turn: 'toggle' } },
      }),
    );
    return trid;
  }

  it('terminates a host connection without a close frame', async () => {
    const affected = simulator.faults.dropConnection(HOST);

    expect(affected).toBe(1);
    expect((await client.closed).code).toBe(1006);
  });

  it('closes a host connection with 1001 going away', async () => {
    simulator.faults.dropConnection(HOST, 'close');

    expect(await client.closed).toEqual({ code: 1001, reason: 'going away' });
  });

  it('refuses handshakes with 503 while a host is down, then accepts again', async () => {
    simulator.faults.refuseConnections(HOST, 100);
    const token = await simulator.issueToken();

    const during = await handshakeOutcome(simulator.wsUrl(HOST, token));
    await sleep(150);
    const after = await handshakeOutcome(simulator.wsUrl(HOST, token));

    expect(during).toBe(503);
    expect(after).toBe('open');
  });

  it('sends the status change before a delayed response', async () => {
    simulator.faults.delayCommandResponses(50);

    const sent = sendCommand();
    const response = await client.next((frame) => frame.event === 'Shelly:CommandResponse');
    const status = client.frames.findIndex((frame) => frame.event === 'Shelly:StatusOnChange');

    expect(response.trid).toBe(sent);
    expect(status).toBeGreaterThanOrEqual(0);
    expect(status).toBeLessThan(client.frames.indexOf(response));
    expect(simulator.commands[0].delivery).toBe('sent');
  });

  it('runs a command but never answers it while responses are dropped', async () => {
    simulator.faults.dropCommandResponses(true);
    const lost = sendCommand();
    await client.next((frame) => frame.event === 'Shelly:StatusOnChange');
    simulator.faults.dropCommandResponses(false);
    const answered = sendCommand();
    await client.next((frame) => frame.trid === answered);

    expect(client.frames.filter((frame) => frame.trid === lost)).toEqual([]);
    expect(simulator.commands.map((command) => command.delivery)).toEqual(['dropped', 'sent']);
  });

  it.each(malformedKinds)('sends a malformed frame: %s', async (kind) => {
    simulator.faults.sendMalformed(HOST, kind);
    simulator.emitStatus(simulator.devices[0]);
    await client.next((frame) => frame.event === 'Shelly:StatusOnChange');

    const [malformed] = client.rawFrames;
    const parsed = (() => {
      try {
        return JSON.parse(malformed.data) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    expect(malformed.binary).toBe(kind === 'binary');
    const checks: Record<string, () => void> = {
      'not-json': () => expect(parsed).toBeUndefined(),
      'missing-event': () => expect(parsed).not.toHaveProperty('event'),
      'missing-device-id': () => expect(parsed).not.toHaveProperty('deviceId'),
      'wrong-types': () => {
        expect(typeof parsed?.deviceId).toBe('number');
        expect(typeof parsed?.online).toBe('string');
      },
      'unknown-event': () => expect(parsed?.event).toBe('Shelly:Unheard'),
      binary: () => expect(parsed?.event).toBe('Shelly:StatusOnChange'),
      oversized: () => {
        expect(parsed).toBeUndefined();
        expect(malformed.data.length).toBe(2 * 1024 * 1024);
      },
    };
    checks[kind]();
  });

  it('answers pings until the connection is frozen, then nothing at all', async () => {
    let pongs = 0;
    client.socket.on('pong', () => (pongs += 1));
    const firstPong = new Promise((resolve) => client.socket.once('pong', resolve));
    client.socket.ping();
    await firstPong;

    simulator.faults.freezeConnection(HOST);
    client.socket.ping();
    sendCommand();
    const sent = simulator.emitStatus(simulator.devices[0]);
    await sleep(50);

    expect(pongs).toBe(1);
    expect(sent).toBe(0);
    expect(simulator.commands).toEqual([]);
    expect(simulator.connections(HOST)[0].frozen).toBe(true);
  });

  it('clears refusals, delays and drops', async () => {
    simulator.faults.refuseConnections(HOST, 60_000);
    simulator.faults.dropCommandResponses(true);
    simulator.faults.clear();

    const answered = sendCommand();
    await client.next((frame) => frame.trid === answered);
    expect(await handshakeOutcome(simulator.wsUrl(HOST, await simulator.issueToken()))).toBe(
      'open',
    );
  });
});
