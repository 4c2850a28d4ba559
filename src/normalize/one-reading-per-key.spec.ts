import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixtureMeasurements } from '../../test/fixtures/frames/frames';

const folder = resolve(__dirname, '../../test/fixtures/frames');
const fixtures = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();

describe('one reading per component, channel, phase and metric', () => {
  it('checks every status fixture of the folder, each with its source in the README', () => {
    const readme = readFileSync(resolve(folder, 'README.md'), 'utf8');

    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(fixtures.filter((name) => !readme.includes(`\`${name}.json\``))).toEqual([]);
  });

  it.each(fixtures)('holds for the status %s', (name) => {
    const keys = fixtureMeasurements(name).map(
      ({ component, channel, phase, metric }) => `${component}/${channel}/${phase}/${metric}`,
    );

    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });
});
