import { findModel } from './device-models';
import { onlineFrame, rteOnlineFrame, rteStatusFrame, statusFrame } from './frames';
import { seededRandom } from './seeded-random';
import { createSimulatedDevice } from './simulated-device';

describe('event frames of the two channels', () => {
  const device = createSimulatedDevice({
    model: findModel('SNSW-102P16EU')!,
    hexId: '485519999340',
    host: 'shelly-43-eu.shelly.cloud',
    rng: seededRandom(1),
    now: 0,
  });
  const status = { 'switch:1': { id: 1, output: true } };

  it('names the device with a {id, code, gen} object on the Real Time Events channel', () => {
    expect(JSON.parse(rteStatusFrame(device, status))).toEqual({
      event: 'Shelly:StatusOnChange',
      device: { id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' },
      status,
    });
    expect(JSON.parse(rteOnlineFrame(device, false))).toEqual({
      event: 'Shelly:Online',
      device: { id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' },
      online: 0,
    });
  });

  it('names the device with a flat decimal deviceId on the Integrator channel', () => {
    expect(JSON.parse(statusFrame('79530338915136', status))).toEqual({
      event: 'Shelly:StatusOnChange',
      deviceId: '79530338915136',
      status,
    });
    expect(JSON.parse(onlineFrame('79530338915136', true))).toMatchObject({ online: 1 });
  });
});
