import pino from 'pino';
import { topicNames } from '../config/topics';
import { Metrics } from '../observability/metrics';
import { TopicRouter } from '../publish/topic-router';
import { CommandAuditRecord } from './command-audit';
import { CommandAuditWriter, MAX_BACKLOG_BYTES } from './command-audit.writer';

function record(n: number): CommandAuditRecord {
  return {
    type: 'command.audit.v1',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    time: new Date(0).toISOString(),
    partner: 'acme',
    device: { id: 'aabbccddeeff' },
    apiKeyId: 'key',
    command: { type: 'relay', channel: 0, action: 'on' },
    decision: 'allowed',
    errorCode: null,
    consentScope: 'control',
    trid: n,
    outcome: 'ok',
    latencyMs: 1,
  };
}

describe('command audit writer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function writer(query: jest.Mock, topicPerPartner = false) {
    const relay = { wake: jest.fn() };
    const topics = new TopicRouter({
      kafka: { topicPrefix: 't.', topics: topicNames('t.'), topicPerPartner },
    });
    const log = pino({ level: 'silent' });
    const metrics = new Metrics();
    return {
      relay,
      metrics,
      writer: new CommandAuditWriter({ query } as never, relay as never, topics, metrics, log),
    };
  }

  it('writes queued records in batches, one statement each, and wakes the outbox relay', async () => {
    const query = jest.fn().mockResolvedValue({ rows: [] });
    const { writer: audit, relay } = writer(query);
    for (let i = 0; i < 700; i++) audit.record(record(i));

    await jest.advanceTimersByTimeAsync(100);

    expect(query).toHaveBeenCalledTimes(2);
    const eventsFor = (topic: string, call: number) =>
      (query.mock.calls[call] as [string, unknown[]])[1].filter((p) => p === topic).length;
    expect(eventsFor('t.command-audit', 0)).toBe(500);
    expect(eventsFor('t.command-audit', 1)).toBe(200);
    expect(relay.wake).toHaveBeenCalledTimes(2);
    expect(audit.backlog).toBe(0);
  });

  it("sends a partner's records to its own topic with KAFKA_TOPIC_PER_PARTNER, those of no partner to the shared one", async () => {
    const query = jest.fn().mockResolvedValue({ rows: [] });
    const { writer: audit } = writer(query, true);
    audit.record(record(1));
    audit.record({ ...record(2), partner: null });

    await jest.advanceTimersByTimeAsync(100);

    const [, parameters] = query.mock.calls[0] as [string, unknown[]];
    expect(parameters.filter((p) => typeof p === 'string' && p.startsWith('t.'))).toEqual([
      't.partner.acme.command-audit',
      't.command-audit',
    ]);
  });

  it('keeps records while the database is down, stops accepting commands at the bound, and catches up', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const query = jest.fn().mockRejectedValue(down);
    const { writer: audit } = writer(query);
    let queued = 0;
    while (audit.accepting && queued < 100_000) audit.record(record(queued++));
    await jest.advanceTimersByTimeAsync(1_000);

    expect(audit.backlog).toBe(queued);
    expect(audit.accepting).toBe(false);

    query.mockResolvedValue({ rows: [] });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(audit.backlog).toBe(0);
    expect(audit.accepting).toBe(true);
  });

  it('bounds the records kept while the database is down by their bytes: large commands fill it sooner', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const { writer: audit } = writer(jest.fn().mockRejectedValue(down));
    const large = (n: number): CommandAuditRecord => ({
      ...record(n),
      command: { type: 'rpc', method: 'Script.PutCode', params: { code: 'x'.repeat(8_000) } },
    });
    let queued = 0;
    while (audit.accepting && queued < 100_000) audit.record(large(queued++));

    expect(queued).toBeGreaterThan(MAX_BACKLOG_BYTES / 9_000);
    expect(queued).toBeLessThanOrEqual(Math.ceil(MAX_BACKLOG_BYTES / 8_000));
  });

  it('writes each record of a batch the database refuses alone, and logs and counts the one it refuses again', async () => {
    // Postgres cannot store a NUL character in jsonb (SQLSTATE 22P05).
    const refused = Object.assign(new Error('unsupported Unicode escape sequence'), {
      code: '22P05',
    });
    const written: number[] = [];
    const query = jest.fn((_sql: string, parameters: unknown[]) => {
      const trids = parameters
        .filter((p): p is string => typeof p === 'string' && p.startsWith('{'))
        .map((p) => (JSON.parse(p) as CommandAuditRecord).trid as number);
      if (trids.includes(2)) return Promise.reject(refused);
      written.push(...trids);
      return Promise.resolve({ rows: [] });
    });
    const { writer: audit, metrics } = writer(query);
    for (const n of [1, 2, 3]) audit.record(record(n));

    await jest.advanceTimersByTimeAsync(100);

    expect(written).toEqual([1, 3]);
    expect(audit.backlog).toBe(0);
    const dropped = await metrics.recordsDropped.get();
    expect(dropped.values).toEqual([
      { labels: { origin: 'audit', reason: 'refused_by_database' }, value: 1 },
    ]);
  });

  it('writes what is queued on close', async () => {
    const query = jest.fn().mockResolvedValue({ rows: [] });
    const { writer: audit } = writer(query);
    audit.record(record(1));
    await audit.close();
    expect(query).toHaveBeenCalledTimes(1);
    expect(audit.backlog).toBe(0);
  });
});
