/**
 * The errors with which Kafka refuses a record itself, so that resending it can never succeed, by
 * their protocol names (kafkajs's `type`, @platformatic/kafka's `apiId`), and the reason the service
 * reports for each. Every other error (a broker down, a leader moving, a timeout) is transient.
 * CORRUPT_MESSAGE is retriable in Kafka's own terms, but both clients retry it before it gets here.
 */
const refusalReasons = {
  MESSAGE_TOO_LARGE: 'record_too_large',
  RECORD_LIST_TOO_LARGE: 'batch_too_large',
  INVALID_RECORD: 'invalid_record',
  CORRUPT_MESSAGE: 'corrupt_record',
} as const;

type KafkaErrorName = keyof typeof refusalReasons;

export type RefusalReason = (typeof refusalReasons)[KafkaErrorName];

export interface KafkaRefusal {
  reason: RefusalReason;
  /** Kafka's words for it. */
  problem: string;
}

/**
 * The refusal in a failed publish, whichever driver threw it, or undefined for a transient error.
 * kafkajs throws the protocol error, or wraps it in `cause` after its retries; @platformatic/kafka
 * nests one error per partition in `errors`.
 */
export function kafkaRefusal(error: unknown): KafkaRefusal | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, apiId, message, errors, cause } = error as {
    type?: unknown;
    apiId?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  const name = typeof type === 'string' ? type : apiId;
  if (typeof name === 'string' && Object.hasOwn(refusalReasons, name)) {
    return { reason: refusalReasons[name as KafkaErrorName], problem: String(message) };
  }
  for (const inner of Array.isArray(errors) ? errors : []) {
    const refusal = kafkaRefusal(inner);
    if (refusal) return refusal;
  }
  return cause === error ? undefined : kafkaRefusal(cause);
}
