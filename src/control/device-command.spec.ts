import { deviceCommand, toShellyCommand } from './device-command';

describe('device commands to Shelly:CommandRequest', () => {
  const parse = (body: unknown) => deviceCommand.safeParse(body);

  it.each([
    [
      { type: 'relay', channel: 0, action: 'toggle' },
      { cmd: 'relay', params: { id: 0, turn: 'toggle' } },
    ],
    [
      { type: 'relay', channel: 1, action: 'on', timeoutSeconds: 5 },
      { cmd: 'relay', params: { id: 1, turn: 'on', timeout: 5 } },
    ],
    [
      { type: 'light', channel: 0, action: 'on', brightness: 40, colorTemp: 3000, mode: 'white' },
      { cmd: 'light', params: { id: 0, turn: 'on', mode: 'white', brightness: 40, temp: 3000 } },
    ],
    [
      { type: 'roller', channel: 0, action: 'close', durationSeconds: 2.5 },
      { cmd: 'roller', params: { id: 0, go: 'close', duration: 2.5 } },
    ],
    [
      { type: 'roller_position', channel: 0, position: 100 },
      { cmd: 'roller_to_pos', params: { id: 0, pos: 100 } },
    ],
    [
      { type: 'roller_position', channel: 1, relative: -20, slatPosition: 30 },
      { cmd: 'roller_to_pos', params: { id: 1, rel: -20, slat_pos: 30 } },
    ],
    [
      { type: 'roller_position', channel: 0, position: 50, slatRelative: 10 },
      { cmd: 'roller_to_pos', params: { id: 0, pos: 50, slat_rel: 10 } },
    ],
    [
      { type: 'roller_position', channel: 0, slatRelative: -100 },
      { cmd: 'roller_to_pos', params: { id: 0, slat_rel: -100 } },
    ],
  ])('%j', (body, expected) => {
    const parsed = parse(body);
    expect(parsed.success).toBe(true);
    expect(toShellyCommand(parsed.data!)).toEqual(expected);
  });

  it.each([
    [{ type: 'relay', channel: 0 }, 'action'],
    [{ type: 'relay', channel: -1, action: 'on' }, 'channel'],
    [{ type: 'relay', channel: 0.5, action: 'on' }, 'channel'],
    [{ type: 'relay', channel: '0', action: 'on' }, 'channel'],
    [{ type: 'relay', channel: 0, action: 'open' }, 'action'],
    [{ type: 'relay', channel: 0, action: 'on', brightness: 5 }, ''],
    [{ type: 'light', channel: 0, action: 'on', brightness: 101 }, 'brightness'],
    [{ type: 'light', channel: 0, action: 'on', red: 256 }, 'red'],
    [{ type: 'light', channel: 0, action: 'on', mode: 'rainbow' }, 'mode'],
    [{ type: 'roller', channel: 0, action: 'toggle' }, 'action'],
    [{ type: 'roller_position', channel: 0, position: 101 }, 'position'],
    [{ type: 'roller_position', channel: 0 }, ''],
    [{ type: 'roller_position', channel: 0, relative: 101 }, 'relative'],
    [{ type: 'roller_position', channel: 0, position: 10, relative: 5 }, 'relative'],
    [{ type: 'roller_position', channel: 0, slatPosition: 10, slatRelative: 5 }, 'slatRelative'],
    [{ type: 'roller_position', channel: 0, slatRelative: -101 }, 'slatRelative'],
    [{ type: 'ir_emit', channel: 0 }, 'type'],
    [[], ''],
  ])('refuses %j', (body, path) => {
    const parsed = parse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path.join('.')).toBe(path);
  });
});
