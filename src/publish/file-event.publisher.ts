import { FileHandle, open } from 'node:fs/promises';
import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventPublisher, OutgoingEvent, recordHeaders } from './event-publisher';

/**
 * The driver for `EVENT_SINK=file`: appends each record as one JSON line `{topic, key, headers,
 * value}` to a file, for the demo and for trials without a broker. A batch counts as acknowledged
 * once the operating system took it; the file is never truncated.
 */
export class FileEventPublisher
  extends EventPublisher
  implements OnModuleInit, OnApplicationShutdown
{
  readonly healthCheckName = 'event_file';

  private file?: FileHandle;

  constructor(readonly path: string) {
    super();
  }

  async onModuleInit(): Promise<void> {
    this.file = await open(this.path, 'a');
  }

  /** After the buffer's flush (before application shutdown). */
  async onApplicationShutdown(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.file) throw new Error(`the event file ${this.path} is not open`);
    let lines = '';
    for (const event of events) {
      // `value` is JSON text already, so it is embedded as it is, not as a string.
      lines += `{"topic":${JSON.stringify(event.topic)},"key":${JSON.stringify(event.key)},"headers":${JSON.stringify(recordHeaders(event))},"value":${event.value}}\n`;
    }
    await this.file.appendFile(lines);
  }

  health(): Promise<string> {
    return Promise.resolve(this.file ? 'ok' : 'closed');
  }
}
