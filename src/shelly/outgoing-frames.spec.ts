import { commandRequestFrame, jrpcRequestFrame } from './outgoing-frames';

describe('Shelly:CommandRequest', () => {
  it('writes the frame with the decimal device id', () => {
    expect(
      JSON.parse(
        commandRequestFrame(7, '224830197357980', { cmd: 'relay', params: { id: 0, turn: 'on' } }),
      ),
    ).toEqual({
      event: 'Shelly:CommandRequest',
      trid: 7,
      deviceId: '224830197357980',
      data: { cmd: 'relay', params: { id: 0, turn: 'on' } },
    });
  });
});

describe('Shelly:JrpcRequest', () => {
  it('writes the method and params at the top level, params an empty object when none were given', () => {
    expect(
      JSON.parse(jrpcRequestFrame(8, '224830197357980', 'Switch.Set', { id: 0, on: true })),
    ).toEqual({
      event: 'Shelly:JrpcRequest',
      trid: 8,
      deviceId: '224830197357980',
      method: 'Switch.Set',
      params: { id: 0, on: true },
    });
    expect(JSON.parse(jrpcRequestFrame(9, '12133370', 'Shelly.GetStatus', undefined))).toEqual(
      expect.objectContaining({ method: 'Shelly.GetStatus', params: {} }),
    );
  });
});
