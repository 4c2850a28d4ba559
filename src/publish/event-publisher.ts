/** One record for Kafka. `type` and `id` travel as headers so consumers can route and de-duplicate without parsing. */
export interface OutgoingEvent {
  topic: string;
  key: string;
  type: string;
  id: string;
  value: string;
}

/** Port: where events leave the service. The Kafka driver is the production implementation. */
export abstract class EventPublisher {
  /** Resolves once every event is acknowledged by all in-sync replicas; rejects if any was not. */
  abstract publish(events: readonly OutgoingEvent[]): Promise<void>;
}
