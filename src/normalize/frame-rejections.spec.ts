import { testContext } from '../../test/fixtures/frames/frames';
import { normalizeFrame } from './normalize-frame';
import { rejectReasons } from './reject-reason';

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const status = (inner: string) =>
  `{"event":"Shelly:StatusOnChange","deviceId":"224830197357980","status":${inner}}`;

const cases: [reason: string, frame: string][] = [
  ['not_json', 'not json'],
  ['not_json', '{"event":"Shelly:Online","deviceId":"12133370"'],
  ['not_json', ''],
  ['not_an_object', '[{"event":"Shelly:Online"}]'],
  ['not_an_object', '"Shelly:Online"'],
  ['not_an_object', '42'],
  ['not_an_object', 'null'],
  ['missing_event', '{"deviceId":"12133370","online":1}'],
  ['invalid_field', '{"event":7,"deviceId":"12133370","online":1}'],
  ['invalid_field', status('"online"')],
  ['invalid_field', status('null')],
  ['invalid_field', status('[{"ison":true}]')],
  ['invalid_field', '{"event":"Shelly:StatusOnChange","deviceId":"12133370"}'],
  ['invalid_field', '{"event":"Shelly:Online","deviceId":"12133370","online":2}'],
  ['invalid_field', '{"event":"Shelly:Online","deviceId":"12133370","online":"1"}'],
  ['invalid_field', '{"event":"Shelly:Online","deviceId":"12133370"}'],
  ['invalid_field', '{"event":"Shelly:Settings","deviceId":"12133370","settings":["Boiler"]}'],
  ['missing_device_id', status('{}').replace('"deviceId":"224830197357980",', '')],
  ['invalid_device_id', status('{}').replace('224830197357980', 'kitchen')],
  ['number_out_of_range', status('{"switch:0":{"apower":1e400}}')],
  ['number_out_of_range', status('{"em:0":{"a_voltage":[1,-1e400]}}')],
  ['number_out_of_range', status('{}').replace('"224830197357980"', '281474976710656')],
  [
    'too_deeply_nested',
    `{"event":"Shelly:Settings","deviceId":"12133370","settings":${nested(80)}}`,
  ],
];

describe('frames that go to the dead-letter topic', () => {
  it.each(cases)('rejects with %s: %s', (reason, frame) => {
    const result = normalizeFrame(frame, testContext());

    expect(result).toMatchObject({ kind: 'rejected', reason });
    expect(result.kind === 'rejected' && result.detail.length).toBeGreaterThan(0);
  });

  it('has a case for every documented reason and no undocumented one', () => {
    expect([...new Set(cases.map(([reason]) => reason))].sort()).toEqual([...rejectReasons].sort());
  });

  it('names where an out-of-range number sits', () => {
    expect(normalizeFrame(status('{"switch:0":{"apower":1e400}}'), testContext())).toEqual({
      kind: 'rejected',
      reason: 'number_out_of_range',
      detail: 'the number at "apower" does not fit in a double',
    });
  });

  it('rejects an out-of-range number even in a frame it would otherwise drop', () => {
    expect(
      normalizeFrame(
        '{"event":"Shelly:JrpcResponse","trid":1,"response":{"result":1e999}}',
        testContext(),
      ),
    ).toMatchObject({ kind: 'rejected', reason: 'number_out_of_range' });
  });

  it('survives nesting far beyond any stack depth', () => {
    const frame = `{"event":"Shelly:Settings","deviceId":"12133370","settings":${nested(200_000)}}`;

    expect(normalizeFrame(frame, testContext())).toMatchObject({
      kind: 'rejected',
      reason: 'too_deeply_nested',
    });
  });

  it('accepts the deepest nesting allowed', () => {
    const frame = `{"event":"Shelly:Settings","deviceId":"12133370","settings":${nested(62)}}`;

    expect(normalizeFrame(frame, testContext())).toMatchObject({ kind: 'events' });
  });

  it('explains why the text is not JSON', () => {
    expect(normalizeFrame('not json', testContext())).toEqual({
      kind: 'rejected',
      reason: 'not_json',
      detail: `the frame is not JSON: Unexpected token 'o', "not json" is not valid JSON`,
    });
  });
});
