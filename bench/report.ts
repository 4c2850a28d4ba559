interface Summary {
  p50: number;
  p99: number;
  max?: number;
}

export interface BenchResults {
  measured_at: string;
  machine: { cpus: number; cpu: string; node: string };
  ingest: {
    max_events_per_s: number;
    cpu_us_per_event: number;
    sent: number;
    published: number;
    dead_lettered: number;
    dropped_by_policy: number;
    lost: number;
    raw_producer_events_per_s: number;
    minimal_pipeline_events_per_s: number;
    minimal_pipeline_cpu_us_per_event: number;
    ratio_vs_raw_producer: number;
    ratio_vs_minimal_pipeline: number;
    cpu_ratio_vs_minimal_pipeline: number;
    latency_ms: Record<string, Summary>;
    service_latency_ms: Record<string, Summary>;
    memory_mb: {
      idle: MemoryFigures;
      peak: MemoryFigures;
      heap_capped: {
        heap_limit_mb: number;
        idle: MemoryFigures;
        peak: MemoryFigures;
        max_events_per_s: number;
        lost: number;
      };
    };
    average_record_bytes: number;
    kafka_client: string;
    other_kafka_client: {
      name: string;
      max_events_per_s: number;
      cpu_us_per_event: number;
      lost: number;
      minimal_pipeline_events_per_s: number;
      minimal_pipeline_cpu_us_per_event: number;
      ratio_vs_raw_producer: number;
      ratio_vs_minimal_pipeline: number;
      cpu_ratio_vs_minimal_pipeline: number;
    };
  };
  commands: unknown;
  consent: unknown;
  replicas: unknown;
}

interface MemoryFigures {
  rss: number;
  heap_used: number;
  heap_total: number;
  external: number;
}

const number = (n: number) => n.toLocaleString('en-US');

const memory = (m: MemoryFigures) =>
  `${m.rss} MB resident; heap ${m.heap_used} / ${m.heap_total} MB; outside it ${m.external} MB`;

/** The Markdown table of "Latest run" in docs/benchmarks.md. */
export function renderTable(r: BenchResults): string {
  const i = r.ingest;
  const o = i.other_kafka_client;
  const c = i.memory_mb.heap_capped;
  const rows: [string, string][] = [
    [
      `sustained ingest, ${i.kafka_client} (default client)`,
      `${number(i.max_events_per_s)} events/s, ${i.cpu_us_per_event} µs CPU/event`,
    ],
    [
      `minimal pipeline (ws, JSON.parse, ${i.kafka_client})`,
      `${number(i.minimal_pipeline_events_per_s)} events/s, ${i.minimal_pipeline_cpu_us_per_event} µs CPU/event (service ÷ minimal: ${i.ratio_vs_minimal_pipeline}× the events/s, ${i.cpu_ratio_vs_minimal_pipeline}× the CPU/event)`,
    ],
    [
      `sustained ingest, ${o.name}`,
      `${number(o.max_events_per_s)} events/s, ${o.cpu_us_per_event} µs CPU/event (lost ${o.lost})`,
    ],
    [
      `minimal pipeline (ws, JSON.parse, ${o.name})`,
      `${number(o.minimal_pipeline_events_per_s)} events/s, ${o.minimal_pipeline_cpu_us_per_event} µs CPU/event (service ÷ minimal: ${o.ratio_vs_minimal_pipeline}× the events/s, ${o.cpu_ratio_vs_minimal_pipeline}× the CPU/event)`,
    ],
    [
      'sent = published + dead-lettered + dropped',
      `${number(i.sent)} = ${number(i.published)} + ${number(i.dead_lettered)} + ${number(i.dropped_by_policy)} (lost ${i.lost})`,
    ],
    [
      'Kafka ProducerPerformance, same records',
      `${number(i.raw_producer_events_per_s)} records/s (service ÷ it: ${i.ratio_vs_raw_producer} with ${i.kafka_client}, ${o.ratio_vs_raw_producer} with ${o.name})`,
    ],
    ...Object.entries(i.latency_ms).map(([rate, s]): [string, string] => [
      `latency at ${number(Number(rate))} events/s, simulator send → consumer`,
      `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`,
    ]),
    ...Object.entries(i.service_latency_ms).map(([rate, s]): [string, string] => [
      `latency at ${number(Number(rate))} events/s, frame read → Kafka ack`,
      `p50 ${s.p50} ms, p99 ${s.p99} ms`,
    ]),
    ['memory idle: resident, V8 heap used / total', memory(i.memory_mb.idle)],
    ['memory at the highest rate (peaks)', memory(i.memory_mb.peak)],
    [`the same with the V8 heap capped at ${c.heap_limit_mb} MB, idle`, memory(c.idle)],
    [
      `the same, at the highest rate (${number(c.max_events_per_s)} events/s, lost ${c.lost})`,
      memory(c.peak),
    ],
    ['average event record', `${i.average_record_bytes} bytes`],
  ];
  const lines = [
    `Measured ${r.measured_at} on ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}.`,
    '',
    '| measure | result |',
    '| --- | --- |',
    ...rows.map(([measure, result]) => `| ${measure} | ${result} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Two panels in one SVG: throughput against the baselines, and latency percentiles per rate. */
export function renderChart(r: BenchResults): string {
  const i = r.ingest;
  const width = 760;
  const o = i.other_kafka_client;
  const bars: [string, number, number?][] = [
    [`service, ${i.kafka_client}`, i.max_events_per_s, i.cpu_us_per_event],
    [`service, ${o.name}`, o.max_events_per_s, o.cpu_us_per_event],
    [
      `minimal, ${i.kafka_client}`,
      i.minimal_pipeline_events_per_s,
      i.minimal_pipeline_cpu_us_per_event,
    ],
    [`minimal, ${o.name}`, o.minimal_pipeline_events_per_s, o.minimal_pipeline_cpu_us_per_event],
    ['Kafka producer tool', i.raw_producer_events_per_s],
  ];
  const top = Math.max(...bars.map(([, v]) => v)) || 1;
  const throughput = bars
    .map(([label, value, cpuUs], n) => {
      const y = 45 + n * 32;
      const w = Math.round((value / top) * 420);
      const cpu = cpuUs === undefined ? '' : `, ${cpuUs} µs CPU/event`;
      return `<text x="10" y="${y + 17}">${label}</text><rect x="170" y="${y}" width="${w}" height="24" fill="${n < 2 ? '#2f6fb3' : '#9bb4cf'}"/><text x="${176 + w}" y="${y + 17}">${number(value)}/s${cpu}</text>`;
    })
    .join('');
  const rates = Object.keys(i.latency_ms);
  // A log scale, so that milliseconds at low rates and seconds under overload both stay readable.
  const worst = Math.log10(1 + Math.max(...rates.map((rate) => i.latency_ms[rate].p99)));
  const height = (ms: number) => Math.max(1, Math.round((Math.log10(1 + ms) / (worst || 1)) * 150));
  const latency = rates
    .map((rate, n) => {
      const x = 190 + n * 180;
      const { p50, p99 } = i.latency_ms[rate];
      const h50 = height(p50);
      const h99 = height(p99);
      return `<rect x="${x}" y="${422 - h50}" width="40" height="${h50}" fill="#2f6fb3"/><rect x="${x + 46}" y="${422 - h99}" width="40" height="${h99}" fill="#d1853a"/><text x="${x}" y="${417 - h99}">${p50} / ${p99} ms</text><text x="${x}" y="442">${number(Number(rate))} ev/s</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="462" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="28" font-size="15" font-weight="bold">Sustained ingest, events per second (zero loss)</text>
${throughput}
<text x="10" y="232" font-size="15" font-weight="bold">Latency, simulator send to consumer receipt (log scale): p50 (blue), p99 (orange)</text>
${latency}
</svg>
`;
}

/** One sample of the soak, every 10 s. */
export interface SoakSample {
  at_s: number;
  rss_mb: number;
  heap_used_mb: number;
  heap_total_mb: number;
  event_loop_delay_p99_ms: number;
  backlog_events: number;
  /** Latest-state records the service's own consumer has not read yet. */
  state_feed_lag_records: number;
  /** Device-status events Kafka acknowledged so far, resyncs' included. */
  acknowledged: number;
}

export interface SoakChart {
  duration_s: number;
  /** The two spans whose mean resident memory the verdict compares. */
  windows: [number, number][];
  faults: { at_s: number; fault: string }[];
  samples: SoakSample[];
}

const FAULT_COLORS = ['#777777', '#c0392b', '#3a8f3a'];

/**
 * The soak over time in two panels: resident memory and the V8 heap, then the event-loop delay; the
 * compared spans shaded, each fault a dashed line.
 */
export function renderSoakChart(soak: SoakChart): string {
  const left = 60;
  const plotWidth = 660;
  const x = (s: number) => Math.round(left + (s / soak.duration_s) * plotWidth);
  const panel = (
    top: number,
    title: string,
    unit: string,
    series: { label: string; color: string; value: (s: SoakSample) => number }[],
  ) => {
    const height = 170;
    const highest = Math.max(
      1,
      ...soak.samples.flatMap((s) => series.map((line) => line.value(s))),
    );
    const y = (v: number) => Math.round(top + height - (v / (highest * 1.1)) * height);
    const windows = soak.windows
      .map(
        ([from, to]) =>
          `<rect x="${x(from)}" y="${top}" width="${x(to) - x(from)}" height="${height}" fill="#eeeeee"/>`,
      )
      .join('');
    const faults = soak.faults
      .map(
        (f) =>
          `<line x1="${x(f.at_s)}" y1="${top}" x2="${x(f.at_s)}" y2="${top + height}" stroke="${faultColor(f.fault)}" stroke-dasharray="3,3"/>`,
      )
      .join('');
    const lines = series
      .map((line) => {
        const points = soak.samples.map((s) => `${x(s.at_s)},${y(line.value(s))}`).join(' ');
        return `<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="1.5"/>`;
      })
      .join('');
    const legend = series
      .map(
        (line, n) =>
          `<text x="${left + n * 150}" y="${top + height + 34}" fill="${line.color}">${line.label}</text>`,
      )
      .join('');
    const scale = `<text x="10" y="${y(highest) + 4}">${number(Math.round(highest))} ${unit}</text><text x="10" y="${top + height + 4}">0</text>`;
    const tickMinutes = soak.duration_s > 600 ? 5 : 1;
    const minutes = Array.from(
      { length: Math.floor(soak.duration_s / 60 / tickMinutes) + 1 },
      (_, n) => n * tickMinutes,
    )
      .map((m) => `<text x="${x(m * 60) - 4}" y="${top + height + 16}">${m}</text>`)
      .join('');
    return `<text x="10" y="${top - 12}" font-size="15" font-weight="bold">${title}</text>
${windows}${faults}<rect x="${left}" y="${top}" width="${plotWidth}" height="${height}" fill="none" stroke="#ccc"/>${lines}${scale}${minutes}${legend}`;
  };
  const faultKinds = [...new Set(soak.faults.map((f) => f.fault))];
  const faultColor = (fault: string) =>
    FAULT_COLORS[faultKinds.indexOf(fault) % FAULT_COLORS.length];
  const faultLegend = faultKinds
    .map((fault) => `<tspan fill="${faultColor(fault)}">${fault}</tspan>`)
    .join(', ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="540" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
${panel(40, 'Soak: resident memory and V8 heap, MB, by minute', 'MB', [
  { label: 'resident', color: '#2f6fb3', value: (s) => s.rss_mb },
  { label: 'heap total', color: '#9bb4cf', value: (s) => s.heap_total_mb },
  { label: 'heap used', color: '#d1853a', value: (s) => s.heap_used_mb },
])}
${panel(310, 'Event-loop delay p99 over each 10 s, ms', 'ms', [
  { label: 'event-loop delay p99', color: '#2f6fb3', value: (s) => s.event_loop_delay_p99_ms },
])}
<text x="10" y="532">Shaded: the spans compared for memory growth. Dashed: ${faultLegend}.</text>
</svg>
`;
}
