export type Topics = {
  deviceStatus: string;
  deviceOnline: string;
  deviceSettings: string;
  /** Compacted: each device's latest state, a tombstone once its consent ends. */
  deviceState: string;
  consent: string;
  commandAudit: string;
  deadLetter: string;
  parked: string;
};

/**
 * The topics a partner's events go to. Dead letters belong to no partner; parked records (those Kafka
 * refused for good) are for operators, whoever's they were.
 */
export type PartnerTopics = Omit<Topics, 'deadLetter' | 'parked'>;

const LATEST_STATE_TOPIC = 'device-state';

/** Whether `topic` is a latest-state topic, shared or a partner's: those are compacted. */
export function isLatestStateTopic(prefix: string, topic: string): boolean {
  return (
    topic === `${prefix}${LATEST_STATE_TOPIC}` ||
    (topic.startsWith(`${prefix}partner.`) && topic.endsWith(`.${LATEST_STATE_TOPIC}`))
  );
}

function eventTopicNames(base: string): PartnerTopics {
  return {
    deviceStatus: `${base}device-status`,
    deviceOnline: `${base}device-online`,
    deviceSettings: `${base}device-settings`,
    deviceState: `${base}${LATEST_STATE_TOPIC}`,
    consent: `${base}consent`,
    commandAudit: `${base}command-audit`,
  };
}

/** The shared topics under `KAFKA_TOPIC_PREFIX`; the service reads them from `config.kafka.topics`. */
export function topicNames(prefix: string): Topics {
  return {
    ...eventTopicNames(prefix),
    deadLetter: `${prefix}dead-letter`,
    parked: `${prefix}parked`,
  };
}

/**
 * One partner's own topics (`KAFKA_TOPIC_PER_PARTNER`), all under `<prefix>partner.<id>.`, so that
 * one prefixed ACL grants a consumer all of them and nothing of another partner.
 */
export function partnerTopicNames(prefix: string, partnerId: string): PartnerTopics {
  return eventTopicNames(`${prefix}partner.${partnerId}.`);
}
