import { topicKeyFor } from './event-topics';

describe('the topic of each device event', () => {
  it.each([
    ['device.status.v1', 'deviceStatus'],
    ['device.online.v1', 'deviceOnline'],
    ['device.settings.v1', 'deviceSettings'],
  ] as const)('routes %s to the %s topic', (type, topic) => {
    expect(topicKeyFor(type)).toBe(topic);
  });
});
