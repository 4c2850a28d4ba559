import { partnerTopicNames, topicNames } from '../config/topics';
import { TopicRouter } from './topic-router';

function router(topicPerPartner: boolean): TopicRouter {
  return new TopicRouter({
    kafka: { topicPrefix: 'p.', topics: topicNames('p.'), topicPerPartner },
  });
}

describe('the topics of a partner', () => {
  it('are the shared ones by default', () => {
    expect(router(false).topicsOf('acme')).toEqual(router(false).topicsOf(null));
    expect(router(false).topicsOf('acme').deviceStatus).toBe('p.device-status');
  });

  it("are the partner's own with KAFKA_TOPIC_PER_PARTNER", () => {
    const topics = router(true);
    expect(topics.topicsOf('acme')).toEqual(partnerTopicNames('p.', 'acme'));
    expect(topics.topicsOf('globex').consent).toBe('p.partner.globex.consent');
  });

  it('are the shared ones for events of no partner, with KAFKA_TOPIC_PER_PARTNER too', () => {
    expect(router(true).topicsOf(null).commandAudit).toBe('p.command-audit');
  });
});
