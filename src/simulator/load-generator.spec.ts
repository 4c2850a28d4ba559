import { frameTemplate } from './load-generator';

describe('load frame templates', () => {
  it('cut into a StatusOnChange frame whose status starts with _bench', () => {
    const template = frameTemplate('12133370', { relays: [{ ison: true }], _updated: 'x' });

    const frame = JSON.parse(`${template.head}17,"sentAt":1714572180123.25${template.tail}`);

    expect(frame).toEqual({
      event: 'Shelly:StatusOnChange',
      deviceId: '12133370',
      status: {
        _bench: { seq: 17, sentAt: 1714572180123.25 },
        relays: [{ ison: true }],
        _updated: 'x',
      },
    });
    expect(Object.keys(frame.status)[0]).toBe('_bench');
  });

  it('stays valid JSON for an empty status', () => {
    const template = frameTemplate('1', {});

    expect(JSON.parse(`${template.head}0,"sentAt":1${template.tail}`).status).toEqual({
      _bench: { seq: 0, sentAt: 1 },
    });
  });
});
