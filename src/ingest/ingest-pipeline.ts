import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { chooseReading } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { ConsentCache } from '../consent';
import {
  type DeviceEvent,
  type JsonObject,
  normalizeParsedFrame,
  type ParsedFrame,
  type RejectedFrame,
} from '../normalize';
import { type FrameTrace, Metrics, Tracing } from '../observability';
import {
  type OutgoingEvent,
  PublishBuffer,
  recordBytes,
  sessionSource,
  TopicRouter,
} from '../publish';
import { FramePort } from '../shelly';
import { deadLetter, DeadLetterReason } from './dead-letter';
import { topicKeyFor } from './event-topics';
import { DeviceStateStore } from '../device-state';

/** The `event` label of `frames_received_total`: what a frame turned out to be, from a closed set. */
const frameKinds: Record<DeviceEvent['type'], string> = {
  'device.status.v1': 'status',
  'device.online.v1': 'online',
  'device.settings.v1': 'settings',
};

/**
 * A dead letter's JSON takes at most this much (or less, to fit KAFKA_BATCH_MAX_BYTES), whatever the
 * frame: a frame may be 4 MiB, and a record larger than the broker's limit would never leave.
 */
const MAX_DEAD_LETTER_BYTES = 64 * 1024;
/**
 * Key and headers of a record stay below this: a dead letter's key is its host, 253 bytes at most,
 * and the host is in `ce_subject` and `ce_source` too.
 */
const KEY_AND_HEADERS_BYTES = 2048;

/**
 * Every frame the sessions hand over ends in exactly one place: events in the publish buffer, a dead
 * letter in the publish buffer, or a counted policy drop. (Answers to the service's own requests are
 * settled in the Shelly module and never come here.)
 */
@Injectable()
export class IngestPipeline extends FramePort {
  /** The `ce_source` of each host's events, made once per host rather than per event. */
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly buffer: PublishBuffer,
    private readonly consents: ConsentCache,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    private readonly deviceStates: DeviceStateStore,
    private readonly topicRouter: TopicRouter,
    private readonly tracing: Tracing,
  ) {
    super();
  }

  onPressureChange(listener: (full: boolean) => void): void {
    this.buffer.onPressureChange(listener);
  }

  /** Called in the socket's message handler, so a sampled frame's span starts as it is read. */
  accept(host: string, text: string, frame: ParsedFrame | RejectedFrame): void {
    const receivedAt = new Date();
    const trace = this.tracing.frameTrace(host);
    const result = normalizeParsedFrame(frame, {
      host,
      api: 'integrator',
      receivedAt,
      newEventId: randomUUID,
      includeRawStatus: this.config.ingest.includeRawStatus,
    });
    switch (result.kind) {
      case 'events':
        this.metrics.framesReceived.inc({ host, event: frameKinds[result.events[0].type] });
        this.publishDeviceEvents(result.events, result.hexReading, text, host, receivedAt, trace);
        return;
      case 'rejected':
        this.metrics.framesReceived.inc({ host, event: 'invalid' });
        this.deadLetter(result, text, host, receivedAt, trace);
        return;
      case 'dropped':
        this.metrics.framesReceived.inc({ host, event: 'unknown' });
        this.metrics.framesDropped.inc({ reason: result.reason });
        trace?.dropped(result.reason);
        return;
    }
  }

  /**
   * What a resync learned of a device (`DeviceVerify`), given as the frame the device would have sent
   * (a status, or offline): published like one, its events marked `source.resync`. It is no frame
   * read from a socket, so it is not counted as one.
   */
  publishResync(host: string, frame: JsonObject & { event: string }): void {
    const receivedAt = new Date();
    const text = JSON.stringify(frame);
    const result = normalizeParsedFrame(
      { kind: 'parsed', event: frame.event, frame },
      {
        host,
        api: 'integrator',
        receivedAt,
        newEventId: randomUUID,
        includeRawStatus: this.config.ingest.includeRawStatus,
      },
    );
    if (result.kind === 'events') {
      for (const event of result.events) event.source.resync = true;
      // The resync names the device by the id its consent is stored under: one reading only.
      this.publishDeviceEvents(result.events, undefined, text, host, receivedAt);
    } else if (result.kind === 'rejected') {
      this.deadLetter(result, text, host, receivedAt);
    } else {
      this.metrics.framesDropped.inc({ reason: result.reason });
    }
  }

  /**
   * All events of one frame are about one device; without its consent none is published. The
   * consent names the partner the events belong to.
   */
  private publishDeviceEvents(
    events: DeviceEvent[],
    hexReading: string | undefined,
    text: string,
    host: string,
    receivedAt: Date,
    trace?: FrameTrace,
  ): void {
    if (hexReading !== undefined) this.takeConsentedReading(events, hexReading);
    const consent = this.consents.get(events[0].device.id);
    if (!consent) {
      this.metrics.framesDropped.inc({ reason: 'no_consent' });
      trace?.dropped('no_consent', { 'shelly.device.id': events[0].device.id });
      return;
    }
    const topics = this.topicRouter.topicsOf(consent.partnerId);
    const source = this.sourceOf(host);
    const outgoing = events.map((event): OutgoingEvent => {
      event.partner = consent.partnerId;
      event.device.owner = consent.ownerUserId;
      event.device.model ??= consent.deviceCode ?? consent.deviceType;
      return {
        topic: topics[topicKeyFor(event.type)],
        key: event.device.id,
        type: event.type,
        id: event.id,
        source,
        time: event.time,
        partner: consent.partnerId,
        value: JSON.stringify(event),
      };
    });
    if (
      outgoing.some(
        (event) =>
          this.mayBeTooLarge(event) && recordBytes(event) > this.config.kafka.batchMaxBytes,
      )
    ) {
      const detail = `the event would exceed KAFKA_BATCH_MAX_BYTES (${this.config.kafka.batchMaxBytes})`;
      this.deadLetter({ reason: 'frame_too_large', detail }, text, host, receivedAt, trace);
      return;
    }
    const at = receivedAt.getTime();
    for (const event of events) this.deviceStates.record(event, at);
    const settled = trace?.publishing('published', outgoing.length, {
      'shelly.device.id': events[0].device.id,
      'shelly.partner.id': consent.partnerId,
    });
    for (const event of outgoing) this.buffer.push(event, settled);
  }

  /** Events of this pipeline come from integrator sessions, like the dead letters of their frames. */
  private sourceOf(host: string): string {
    let source = this.sources.get(host);
    if (source === undefined) {
      source = sessionSource('integrator', host);
      this.sources.set(host, source);
    }
    return source;
  }

  /** An id that reads both ways names the device of its hex reading when only that one has consent. */
  private takeConsentedReading(events: DeviceEvent[], hexReading: string): void {
    const deviceId = chooseReading(
      events[0].device.id,
      hexReading,
      (id) => this.consents.get(id) !== undefined,
    );
    for (const event of events) event.device.id = deviceId!;
  }

  /** UTF-8 takes at most 3 bytes per UTF-16 unit: most events are cleared without counting their bytes. */
  private mayBeTooLarge(event: OutgoingEvent): boolean {
    return (event.value?.length ?? 0) * 3 + KEY_AND_HEADERS_BYTES > this.config.kafka.batchMaxBytes;
  }

  private deadLetter(
    rejection: { reason: DeadLetterReason; detail: string },
    raw: string,
    host: string,
    receivedAt: Date,
    trace?: FrameTrace,
  ): void {
    this.metrics.framesDeadLettered.inc({ reason: rejection.reason });
    const letter = deadLetter(
      rejection,
      raw,
      { id: randomUUID(), receivedAt, source: { api: 'integrator', host } },
      Math.min(MAX_DEAD_LETTER_BYTES, this.config.kafka.batchMaxBytes - KEY_AND_HEADERS_BYTES),
    );
    this.buffer.push(
      {
        topic: this.config.kafka.topics.deadLetter,
        key: host,
        type: letter.type,
        id: letter.id,
        source: this.sourceOf(host),
        time: letter.time,
        // A frame that cannot be read may name no device, so dead letters belong to no partner.
        partner: null,
        value: JSON.stringify(letter),
      },
      trace?.publishing('dead_lettered', 1, { 'shelly.reason': rejection.reason }),
    );
  }
}
