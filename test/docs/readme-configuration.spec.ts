import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { variables } from '../../src/config/variables';

/** The rows of the README's configuration table, as [variable, default, meaning] cells. */
function documentedRows(): Map<string, [string, string]> {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
  const rows = new Map<string, [string, string]>();
  for (const line of readme.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const name = /^`([A-Z][A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name && cells.length === 5) rows.set(name, [cells[2], cells[3]]);
  }
  return rows;
}

describe('README configuration table', () => {
  const rows = documentedRows();

  it.each(Object.entries(variables))(
    'documents %s with its default and meaning',
    (name, definition) => {
      const defaultCell =
        definition.default === undefined ? '_required_' : `\`${definition.default}\``;
      expect(rows.get(name)).toEqual([defaultCell, definition.doc]);
    },
  );

  it('documents no variable the service does not read', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(variables).sort());
  });
});
