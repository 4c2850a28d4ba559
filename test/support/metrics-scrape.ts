/** The value of one sample of the service's /metrics, 0 when absent. `labels` as written: `reason="no_consent"`. */
export async function metricValue(serviceUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const sample = labels ? `${name}{${labels}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
