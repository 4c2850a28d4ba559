/** The value of one sample of the service's /metrics, 0 when absent. `labels` as written: `reason="no_consent"`. */
export async function metricValue(serviceUrl: string, name: string, labels = ''): Promise<number> {
  const response = await fetch(`${serviceUrl}/metrics`);
  // A scrape of the wrong port must fail the test, not read as a metric of 0.
  if (!response.ok) throw new Error(`GET ${serviceUrl}/metrics answered ${response.status}`);
  const text = await response.text();
  const sample = labels ? `${name}{${labels}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
