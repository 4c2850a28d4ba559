import { statusFormat } from './status-measurements';

describe('status dialect', () => {
  it('is gen2 as soon as a type:N component appears', () => {
    expect(statusFormat({ relays: [], 'switch:0': {} }, 'G1')).toBe('gen2');
  });

  it('is gen1 when a Gen1-only key appears', () => {
    expect(statusFormat({ cloud: { connected: true }, relays: [] }, null)).toBe('gen1');
  });

  it('is gen2 for Gen2-only bare keys such as sys', () => {
    expect(statusFormat({ sys: { uptime: 10 } }, 'G1')).toBe('gen2');
  });

  it('follows the generation the frame states when the keys do not tell', () => {
    expect(statusFormat({ cloud: { connected: true } }, 'G1')).toBe('gen1');
    expect(statusFormat({ cloud: { connected: true } }, 'G2')).toBe('gen2');
  });

  it('is gen2 when neither the keys nor the frame tell', () => {
    expect(statusFormat({ _updated: '2025-03-02 10:15:00' }, null)).toBe('gen2');
  });
});
