import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { ControlRig, startControlRig } from '../support/control';
import { readTopic } from '../support/kafka-reader';
import { requireServices } from '../support/services';

interface StatusValue {
  device: { id: string };
  status: { mac?: string };
}

/**
 * Hex `0a1b2c` is `"662316"` on the socket: six digits, which also read as hex `662316`. That hex id
 * belongs to a second device here (`"6693654"` on the socket), so a misreading lands on a real device.
 */
describe('a device whose decimal id has six digits', () => {
  const { kafkaBrokers } = requireServices();
  const host = 'shelly-103-eu.shelly.cloud';
  let rig: ControlRig;
  let sixDigits: SimulatedDevice;
  let lookalike: SimulatedDevice;

  beforeAll(async () => {
    rig = await startControlRig({
      simulator: {
        fleet: {
          devices: [
            { model: 'SHSW-1', id: '0a1b2c', host },
            { model: 'SHSW-1', id: '662316', host },
          ],
        },
      },
    });
    [sixDigits, lookalike] = rig.sim.devices;
  }, 60_000);

  afterAll(() => rig?.stop());

  it('is sent as six digits by the cloud', () => {
    expect(sixDigits.identity.deviceId).toBe('662316');
    expect(lookalike.identity.deviceId).toBe('6693654');
  });

  it('reports its status to Kafka under its hex id', async () => {
    rig.sim.emitStatus(sixDigits);

    const ofDevice = (message: { value: unknown }) =>
      (message.value as StatusValue).status.mac === sixDigits.identity.mac;
    const messages = await readTopic(kafkaBrokers, rig.topics.deviceStatus, (all) =>
      all.some(ofDevice),
    );
    const reports = messages.filter(ofDevice);
    expect(new Set(reports.map((message) => message.key))).toEqual(new Set(['0a1b2c']));
    expect(new Set(reports.map((message) => (message.value as StatusValue).device.id))).toEqual(
      new Set(['0a1b2c']),
    );
  });

  it('takes a command under its hex id, sent to its decimal id', async () => {
    const answer = await rig.command('0a1b2c', { type: 'relay', channel: 0, action: 'on' });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ device: '0a1b2c', outcome: 'ok' });
    expect(rig.sim.commands.at(-1)).toMatchObject({ deviceId: '662316', answer: { isok: true } });
    expect(sixDigits.state.relays[0].on).toBe(true);
  });

  it('reads a path of six digits as hex when both readings are consented devices', async () => {
    const answer = await rig.command('662316', { type: 'relay', channel: 0, action: 'on' });

    expect(answer.body).toMatchObject({ device: '662316', outcome: 'ok' });
    expect(rig.sim.commands.at(-1)).toMatchObject({ deviceId: '6693654' });
  });
});
