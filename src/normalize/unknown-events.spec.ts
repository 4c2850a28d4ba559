import { normalize } from '../../test/fixtures/frames/frames';

describe('events the service does not consume', () => {
  it.each([
    ['Shelly:JrpcResponse', { trid: 3, deviceId: '12133370', response: { result: {} } }],
    ['Error', { message: 'something went wrong' }],
    ['Shelly:CommandRequest', { trid: 1, deviceId: '12133370', data: { cmd: 'relay' } }],
    ['shelly:statusonchange', { deviceId: '12133370', status: {} }],
    // Answers to the service's own requests are read by the Shelly module before normalizing.
    ['Shelly:CommandResponse', { trid: 1, deviceId: '12133370', data: { isok: true } }],
    ['Integrator:ActionResponse', { trid: 2, data: { result: 'OK' } }],
  ])('drops %s as unknown_event', (event, rest) => {
    expect(normalize({ event, ...rest })).toEqual({
      kind: 'dropped',
      reason: 'unknown_event',
      detail: `event "${event}" is not consumed`,
    });
  });
});
