import { measurementsOf, normalize, statusEventOf } from '../../test/fixtures/frames/frames';

describe('partial status updates', () => {
  it('reports only the component a Gen2 delta carries', () => {
    expect(measurementsOf({ 'input:1': { id: 1, state: true } })).toEqual([
      { component: 'input', channel: 1, metric: 'state', value: true },
    ]);
  });

  it('reports only the fields a component delta carries, never the missing ones as 0 or false', () => {
    expect(measurementsOf({ 'switch:0': { id: 0, apower: 12.5 } })).toEqual([
      { component: 'switch', channel: 0, metric: 'power', unit: 'W', value: 12.5 },
    ]);
  });

  it('publishes a status event with no measurements for a delta of only sys', () => {
    const event = statusEventOf(
      normalize({
        event: 'Shelly:StatusOnChange',
        deviceId: '224830197357980',
        status: { sys: { uptime: 4712 } },
      }),
    );

    expect(event.format).toBe('gen2');
    expect(event.measurements).toEqual([]);
  });

  it('reports only the Gen1 arrays a partial Gen1 status carries', () => {
    expect(measurementsOf({ relays: [{ ison: false }] })).toEqual([
      { component: 'switch', channel: 0, metric: 'output', value: false },
    ]);
  });

  it('publishes an empty status as an event without measurements', () => {
    expect(measurementsOf({})).toEqual([]);
  });
});
