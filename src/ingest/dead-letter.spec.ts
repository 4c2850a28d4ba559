import { deadLetter } from './dead-letter';

const meta = {
  id: '1e2d3c4b-5a69-4788-96a5-b4c3d2e1f0a9',
  receivedAt: new Date(Date.UTC(2025, 2, 2, 10, 15)),
  source: { api: 'integrator' as const, host: 'shelly-103-eu.shelly.cloud' },
};
const rejection = { reason: 'not_json' as const, detail: 'the frame is not JSON' };
const MAX_BYTES = 64 * 1024;

describe('dead letter', () => {
  it('keeps a frame that fits whole, marked not truncated', () => {
    const letter = deadLetter(rejection, '{"event":', meta, MAX_BYTES);
    expect(letter).toMatchObject({ raw: '{"event":', truncated: false });
  });

  it.each([
    ['plain text', 'x'],
    ['characters JSON escapes', '"\u0001\\'],
    ['characters of several UTF-8 bytes', 'ä✓😀'],
  ])('cuts a 4 MiB frame of %s to fit, marked truncated', (_kind, unit) => {
    const frame = unit.repeat(Math.ceil((4 * 1024 * 1024) / unit.length));
    const letter = deadLetter(rejection, frame, meta, MAX_BYTES);

    const bytes = Buffer.byteLength(JSON.stringify(letter));
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(bytes).toBeGreaterThan(MAX_BYTES - 64);
    expect(letter.truncated).toBe(true);
    expect(frame.startsWith(letter.raw)).toBe(true);
    expect(letter.raw).not.toMatch(/[\ud800-\udbff]$/);
  });
});
