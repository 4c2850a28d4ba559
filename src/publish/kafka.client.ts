import { Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { Logger } from 'pino';
import type { KafkaConfig } from '../config';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl as SASLOptions | undefined,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log: entry }: LogEntry) => {
        const {
          message,
          timestamp: _timestamp,
          logger: _logger,
          ...rest
        } = entry as typeof entry & {
          timestamp?: string;
          logger?: string;
        };
        log[levels[level] ?? 'info']({ namespace, ...rest }, message);
      },
  });
}
