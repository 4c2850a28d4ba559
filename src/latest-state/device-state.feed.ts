import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'pino';
import { type AppConfig, InjectConfig, isLatestStateTopic } from '../config';
import { ConsentCache } from '../consent';
import { DeviceStateStore } from '../device-state';
import { InjectRootLogger, Metrics } from '../observability';
import { createKafka } from '../publish';
import { readLatestState } from './latest-state';
import { LatestStateReader, type StateRecord } from './latest-state.reader';
import { PublishedStates } from './published-states';

/**
 * Makes every replica know the state of every device, not only of those whose session it holds: it
 * reads the latest-state topics the replicas publish, from the beginning and then as they grow, into
 * the device state store. A record changes only what it has a later report of, so this replica's
 * own sessions stay the authority for their devices, and the store never marks what it adopts as
 * changed, so no replica publishes another's records again. A tombstone forgets a device that has no
 * consent. Off with `EVENT_SINK=file`: there is no topic.
 */
@Injectable()
export class DeviceStateFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private reader?: LatestStateReader;
  private readonly unsupportedTypes = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly states: DeviceStateStore,
    private readonly consents: ConsentCache,
    private readonly metrics: Metrics,
    private readonly published: PublishedStates,
    @InjectConfig() private readonly config: AppConfig,
    @InjectRootLogger() private readonly logger: Logger,
  ) {
    this.log = logger.child({ component: 'device-state-feed' });
  }

  onApplicationBootstrap(): void {
    if (this.config.events.sink !== 'kafka') return;
    const { kafka } = this.config;
    this.reader = new LatestStateReader(
      createKafka(kafka, this.logger),
      {
        groupId: `${kafka.clientId}.device-state.${hostname()}-${randomBytes(3).toString('hex')}`,
        selectTopics: (existing) =>
          kafka.topicPerPartner
            ? existing.filter(
                (topic) =>
                  topic !== kafka.topics.deviceState &&
                  isLatestStateTopic(kafka.topicPrefix, topic),
              )
            : existing.filter((topic) => topic === kafka.topics.deviceState),
        onRecord: (record) =>
          this.metrics.deviceStateFeedRecords.inc({ outcome: this.apply(record) }),
        onProgress: ({ lag, caughtUp }) => {
          this.metrics.deviceStateFeedLag.set(lag);
          this.metrics.deviceStateFeedCaughtUp.set(caughtUp ? 1 : 0);
        },
      },
      this.log,
    );
    this.reader.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.reader?.stop();
  }

  private apply(record: StateRecord): ApplyOutcome['outcome'] {
    if (record.key !== undefined && this.published.readBack(record.key, record.id)) {
      return 'unchanged';
    }
    const applied = applyStateRecord(
      this.states,
      (id) => this.consents.get(id) !== undefined,
      record,
    );
    if (applied.outcome === 'malformed') {
      this.log.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          problem: applied.problem,
        },
        'skipping a malformed latest-state record',
      );
    } else if (applied.outcome === 'unsupported' && !this.unsupportedTypes.has(applied.type)) {
      this.unsupportedTypes.add(applied.type);
      this.log.warn(
        { type: applied.type },
        'skipping latest-state records of a later version: a newer release publishes them',
      );
    }
    return applied.outcome;
  }
}

export type ApplyOutcome =
  | { outcome: 'applied' | 'unchanged' | 'forgotten' }
  | { outcome: 'malformed'; problem: string }
  | { outcome: 'unsupported'; type: string };

/**
 * What one record of a latest-state topic does to this replica's device state. A tombstone of a
 * device with a consent is older than that consent (granted again, or moved to another partner's
 * topic), or its revoke has not reached this replica yet, whose consent cache then forgets the state
 * itself: it forgets only a device without one.
 */
export function applyStateRecord(
  states: DeviceStateStore,
  hasConsent: (deviceId: string) => boolean,
  record: Pick<StateRecord, 'key' | 'value'>,
): ApplyOutcome {
  const deviceId = record.key;
  if (deviceId === undefined) return { outcome: 'malformed', problem: 'no key' };
  if (record.value === null) {
    if (hasConsent(deviceId)) return { outcome: 'unchanged' };
    states.forget(deviceId);
    return { outcome: 'forgotten' };
  }
  const read = readLatestState(record.value.toString());
  if (read.kind === 'malformed') return { outcome: 'malformed', problem: read.problem };
  if (read.kind === 'unsupported') return { outcome: 'unsupported', type: read.type };
  if (read.state.device.id !== deviceId) {
    return { outcome: 'malformed', problem: 'the key is not device.id' };
  }
  return { outcome: states.adopt(deviceId, read.state) ? 'applied' : 'unchanged' };
}
