import { cloudControlCommand } from './cloud-control-command';

const id = 'a8032abb995c';

describe('commands over the Cloud Control API', () => {
  it('turns a relay on or off with set/switch, with its flip-back time', () => {
    expect(
      cloudControlCommand({ type: 'relay', channel: 1, action: 'on', timeoutSeconds: 30 }, id),
    ).toEqual({
      endpoint: 'switch',
      command: { id, channel: 1, on: true, toggle_after: 30 },
    });
    expect(cloudControlCommand({ type: 'relay', channel: 0, action: 'off' }, id)).toEqual({
      endpoint: 'switch',
      command: { id, channel: 0, on: false },
    });
  });

  it('has no form for a toggle or an RPC call', () => {
    expect(
      cloudControlCommand({ type: 'relay', channel: 0, action: 'toggle' }, id),
    ).toBeUndefined();
    expect(
      cloudControlCommand({ type: 'light', channel: 0, action: 'toggle' }, id),
    ).toBeUndefined();
    expect(
      cloudControlCommand({ type: 'rpc', method: 'Switch.Set', params: { id: 0, on: true } }, id),
    ).toBeUndefined();
  });

  it('names the light fields as set/light does', () => {
    expect(
      cloudControlCommand(
        { type: 'light', channel: 0, action: 'on', brightness: 40, colorTemp: 3000, mode: 'white' },
        id,
      ),
    ).toEqual({
      endpoint: 'light',
      command: { id, channel: 0, on: true, brightness: 40, temperature: 3000, mode: 'white' },
    });
  });

  it('moves a cover by direction or to a position with set/cover', () => {
    expect(
      cloudControlCommand({ type: 'roller', channel: 0, action: 'close', durationSeconds: 5 }, id),
    ).toEqual({ endpoint: 'cover', command: { id, channel: 0, position: 'close', duration: 5 } });
    expect(
      cloudControlCommand(
        { type: 'roller_position', channel: 0, position: 40, slatRelative: -10 },
        id,
      ),
    ).toEqual({
      endpoint: 'cover',
      command: { id, channel: 0, position: 40, slatRelative: -10 },
    });
  });
});
