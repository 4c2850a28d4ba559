import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Metrics } from '../../src/observability/metrics';

interface Row {
  type: string;
  labels: string[];
}

/** The rows of the metrics catalog in docs/operations.md: metric name to type and label names. */
function catalog(): Map<string, Row> {
  const doc = readFileSync(resolve(__dirname, '../../docs/operations.md'), 'utf8');
  const rows = new Map<string, Row>();
  for (const line of doc.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const name = /^`(shelly_ingest_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name || cells.length !== 6) continue;
    const labels = [...cells[3].matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).sort();
    rows.set(name, { type: cells[2], labels });
  }
  return rows;
}

/** What the service registers besides prom-client's process_* and nodejs_* defaults. */
function registered(): Map<string, Row> {
  const metrics = new Metrics();
  return new Map(
    metrics.registry
      .getMetricsAsArray()
      .filter((metric) => metric.name.startsWith('shelly_ingest_'))
      .map((metric) => [
        metric.name,
        {
          type: metric.type.toString(),
          labels: [...((metric as unknown as { labelNames?: string[] }).labelNames ?? [])]
            .filter((label) => label !== 'le')
            .sort(),
        },
      ]),
  );
}

describe('metrics catalog in docs/operations.md', () => {
  const documented = catalog();
  const actual = registered();

  it.each([...actual])('documents %s with its type and labels', (name, row) => {
    expect(documented.get(name)).toEqual(row);
  });

  it('documents no metric the service does not export', () => {
    expect([...documented.keys()].sort()).toEqual([...actual.keys()].sort());
  });
});
