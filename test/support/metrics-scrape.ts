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

/** The hosts whose session is up on the service at `serviceUrl`, from its `shelly_ingest_session_up`. */
export async function hostsUpIn(serviceUrl: string): Promise<string[]> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return [...text.matchAll(/^shelly_ingest_session_up\{host="([^"]+)"\} 1$/gm)].map((m) => m[1]);
}
