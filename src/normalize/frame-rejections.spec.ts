import { testContext } from '../../test/fixtures/frames/frames';
import { normalizeFrame } from './normalize-frame';
import { rejectReasons } from './reject-reason';

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const status = (inner: string) =>
  `{"event":"Shelly:StatusOnChange","deviceId":"224830197357980","status":${inner}}`;

/** An RTE frame: the device named by `device: {id, code, gen}` (here with `fields` in place of those). */
const rteOnline = (fields: string) => `{"event":"Shelly:Online","device":{${fields}},"online":1}`;
const rteDevice = '"id":"79530338915136","code":"SNSW-102P16EU","gen":"G2"';

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
  ['invalid_field', '{"event":"Shelly:Online","device":"79530338915136","online":1}'],
  ['invalid_field', '{"event":"Shelly:Online","device":["79530338915136"],"online":1}'],
  ['invalid_field', rteOnline(rteDevice.replace('"G2"', '2'))],
  ['invalid_field', rteOnline(rteDevice.replace('"SNSW-102P16EU"', '102'))],
  ['invalid_field', rteOnline(rteDevice.replace('"SNSW-102P16EU"', '""'))],
  ['invalid_field', rteOnline(rteDevice.replace('SNSW-102P16EU', 'S'.repeat(65)))],
  ['invalid_field', `{"event":"Shelly:StatusOnChange","device":{${rteDevice}}}`],
  ['invalid_field', rteOnline(rteDevice).replace('"online":1', '"online":"yes"')],
  ['missing_device_id', rteOnline('"code":"SNSW-102P16EU","gen":"G2"')],
  ['missing_device_id', rteOnline(rteDevice.replace('"79530338915136"', 'null'))],
  ['invalid_device_id', rteOnline(rteDevice.replace('79530338915136', 'plug-kitchen'))],
  ['number_out_of_range', rteOnline(rteDevice.replace('"79530338915136"', '281474976710656'))],
  ['unknown_generation', rteOnline(rteDevice.replace('"G2"', '"G9"'))],
  ['unknown_generation', rteOnline(rteDevice.replace('"G2"', '"g2"'))],
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

  it('names the generation it does not know and the ones it does', () => {
    expect(normalizeFrame(rteOnline(rteDevice.replace('"G2"', '"G9"')), testContext())).toEqual({
      kind: 'rejected',
      reason: 'unknown_generation',
      detail: 'generation "G9" is none of G1, G2, G3, G4, GBLE, V1',
    });
  });

  it('accepts a model code of 64 characters, the longest it takes', () => {
    const frame = rteOnline(rteDevice.replace('SNSW-102P16EU', 'S'.repeat(64)));

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
