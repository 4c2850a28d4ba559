import { Metrics } from '../observability';
import type { Topics } from '../config';

const shortNames: Record<keyof Topics, string> = {
  deviceStatus: 'status',
  deviceOnline: 'online',
  deviceSettings: 'settings',
  deviceState: 'state',
  consent: 'consent',
  commandAudit: 'command-audit',
  deadLetter: 'dead-letter',
  parked: 'parked',
};

/**
 * A console line of events per second by type, from the service's own `events_published_total`:
 * rewritten in place every second on a terminal, printed every `everyMs` otherwise (logs, tests).
 */
export function startEventRateLine(
  metrics: Metrics,
  topics: Topics,
  out: NodeJS.WriteStream,
  everyMs = 5_000,
): () => void {
  const topicsByKey = Object.entries(topics) as [keyof Topics, string][];
  const interactive = out.isTTY === true;
  const intervalMs = interactive ? 1_000 : everyMs;
  let previous = new Map<string, number>();
  const timer = setInterval(() => {
    void metrics.eventsPublished.get().then(({ values }) => {
      const now = new Map<string, number>();
      for (const { labels, value } of values) now.set(String(labels.topic), value);
      const parts = topicsByKey.map(([key, topic]) => {
        const perSecond =
          (((now.get(topic) ?? 0) - (previous.get(topic) ?? 0)) * 1000) / intervalMs;
        return `${shortNames[key]} ${Math.round(perSecond)}`;
      });
      const total = [...now.values()].reduce((sum, value) => sum + value, 0);
      previous = now;
      const line = `events/s  ${parts.join('  ')}   (${total} published)`;
      out.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
    });
  }, intervalMs);
  return () => {
    clearInterval(timer);
    if (interactive) out.write('\n');
  };
}
