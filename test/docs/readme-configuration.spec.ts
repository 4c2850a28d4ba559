import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { variables } from '../../src/config/variables';

interface DocumentedVariable {
  group: string | undefined;
  defaultCell: string;
  doc: string;
}

interface ConfigurationSection {
  groups: string[];
  variables: Map<string, DocumentedVariable>;
}

/** The `###` headings of the README's "Configuration" section and the table rows under them. */
function readmeConfiguration(): ConfigurationSection {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  const end = readme.indexOf('\n## ', start + 1);
  const section: ConfigurationSection = { groups: [], variables: new Map() };
  let group: string | undefined;
  for (const line of readme.slice(start, end).split('\n')) {
    const heading = /^### (.+)$/.exec(line)?.[1];
    if (heading) {
      group = heading;
      section.groups.push(heading);
    }
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const name = /^`([A-Z][A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name && cells.length === 5) {
      section.variables.set(name, { group, defaultCell: cells[2], doc: cells[3] });
    }
  }
  return section;
}

describe('README configuration table', () => {
  const documented = readmeConfiguration();

  it.each(Object.entries(variables))(
    'documents %s under its group with its default and meaning',
    (name, definition) => {
      expect(documented.variables.get(name)).toEqual({
        group: definition.group,
        defaultCell: definition.default === undefined ? '_required_' : `\`${definition.default}\``,
        doc: definition.doc,
      });
    },
  );

  it('documents the variables the service reads, and no others, in the order of the table', () => {
    expect([...documented.variables.keys()]).toEqual(Object.keys(variables));
  });

  it('has one heading per group, in the order of the table', () => {
    const groupsInTableOrder = new Set(Object.values(variables).map((variable) => variable.group));
    expect(documented.groups).toEqual([...groupsInTableOrder]);
  });
});
