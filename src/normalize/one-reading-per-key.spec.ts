import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixtureMeasurements } from '../../test/fixtures/frames/frames';

const fixtures = readdirSync(resolve(__dirname, '../../test/fixtures/frames'))
  .filter((file) => file.endsWith('-status.json'))
  .map((file) => file.replace(/\.json$/, ''));

describe('one reading per component, channel, phase and metric', () => {
  it.each(fixtures)('holds for the captured status %s', (name) => {
    const keys = fixtureMeasurements(name).map(
      ({ component, channel, phase, metric }) => `${component}/${channel}/${phase}/${metric}`,
    );

    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });
});
