/**
 * An event's body as published: its `type`, `id`, `time` and `partner` (when not null) also travel as
 * the Kafka record's headers; the outbox relay reads `time` and `partner` back from the stored body.
 */
export interface EventBody {
  type: string;
  id: string;
  time: string;
  partner: string | null;
}

/** An event to publish to Kafka once the transaction that writes it commits. */
export interface OutboxEvent {
  topic: string;
  key: string;
  /** Its CloudEvents `source` (see `eventSources`), kept in the row: the body does not say it. */
  source: string;
  event: EventBody;
}

/** Part of a statement with its parameters, numbered on from those of the statement around it. */
export interface SqlFragment {
  sql: string;
  parameters: unknown[];
}

/**
 * The INSERT that puts events in the outbox, for the caller's own statement (as a CTE) so that the
 * events commit with the change they announce; the outbox relay publishes them in the order given.
 * It answers each event's body as `event`, for callers that store the event elsewhere too.
 */
export function outboxInsert(events: readonly OutboxEvent[], firstParameter: number): SqlFragment {
  const parameters: unknown[] = [];
  const rows = events.map(({ topic, key, source, event }) => {
    const n = firstParameter + parameters.length;
    parameters.push(topic, key, event.type, event.id, source, JSON.stringify(event));
    return `($${n}, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`;
  });
  return {
    sql: `INSERT INTO outbox_event (topic, key, event_type, event_id, source, payload)
          VALUES ${rows.join(', ')}
          RETURNING payload AS event`,
    parameters,
  };
}
