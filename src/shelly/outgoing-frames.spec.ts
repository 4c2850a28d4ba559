import { commandRequestFrame } from './outgoing-frames';

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
