import { Injectable } from '@nestjs/common';
import { InjectConfig, type KafkaConfig, partnerTopicNames, type PartnerTopics } from '../config';

/**
 * The one place that decides which topics an event goes to, from its partner: with
 * `KAFKA_TOPIC_PER_PARTNER` a partner's own topics, otherwise (and for events of no partner) the
 * shared ones. A partner's names are worked out once: the ingest pipeline asks for every frame.
 */
@Injectable()
export class TopicRouter {
  private readonly shared: PartnerTopics;
  private readonly byPartner = new Map<string, PartnerTopics>();

  constructor(
    @InjectConfig()
    private readonly config: {
      kafka: Pick<KafkaConfig, 'topics' | 'topicPrefix' | 'topicPerPartner'>;
    },
  ) {
    this.shared = config.kafka.topics;
  }

  topicsOf(partnerId: string | null): PartnerTopics {
    if (!this.config.kafka.topicPerPartner || partnerId === null) return this.shared;
    let topics = this.byPartner.get(partnerId);
    if (!topics) {
      topics = partnerTopicNames(this.config.kafka.topicPrefix, partnerId);
      this.byPartner.set(partnerId, topics);
    }
    return topics;
  }
}
