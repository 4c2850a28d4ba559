export type Topics = {
  deviceStatus: string;
  deviceOnline: string;
  deviceSettings: string;
  consent: string;
  commandAudit: string;
  deadLetter: string;
};

/** The topics under `KAFKA_TOPIC_PREFIX`; the service reads them from `config.kafka.topics`. */
export function topicNames(prefix: string): Topics {
  return {
    deviceStatus: `${prefix}device-status`,
    deviceOnline: `${prefix}device-online`,
    deviceSettings: `${prefix}device-settings`,
    consent: `${prefix}consent`,
    commandAudit: `${prefix}command-audit`,
    deadLetter: `${prefix}dead-letter`,
  };
}
