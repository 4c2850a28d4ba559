import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Logger } from 'pino';
import { type LinkedAccount, LinkedAccounts } from '../accounts';
import { chooseReading } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { ConsentCache } from '../consent';
import {
  type DeviceEvent,
  type EventSource,
  type JsonObject,
  normalizeParsedFrame,
  type ParsedFrame,
  type RejectedFrame,
  type ShellyApi,
} from '../normalize';
import { type FrameTrace, InjectRootLogger, Metrics, Tracing } from '../observability';
import {
  type OutgoingEvent,
  PublishBuffer,
  recordBytes,
  sessionSource,
  TopicRouter,
} from '../publish';
import { type FrameOrigin, FramePort, readSessionKey } from '../shelly';
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

/** Where a frame came from: an integrator session, or the socket of a linked account. */
type Origin =
  { api: 'integrator'; host: string } | { api: 'rte'; host: string; account: LinkedAccount };

/** Whose a device's events are: the partner and owner from its consent or its linked account. */
interface EventOwner {
  partnerId: string;
  ownerUserId: number;
  model: string | null;
}

/**
 * Every frame the sessions hand over ends in exactly one place: events in the publish buffer, a dead
 * letter in the publish buffer, or a counted policy drop. An integrator session's device events
 * belong to the partner of the device's consent; a linked account's, to the account's partner.
 * (Answers to the service's own requests are settled in the Shelly module and never come here.)
 */
@Injectable()
export class IngestPipeline extends FramePort {
  /** The `ce_source` of each session's events, made once per API and host rather than per event. */
  private readonly sources = new Map<string, string>();
  private readonly log: Logger;

  constructor(
    private readonly buffer: PublishBuffer,
    private readonly consents: ConsentCache,
    private readonly accounts: LinkedAccounts,
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
    private readonly deviceStates: DeviceStateStore,
    private readonly topicRouter: TopicRouter,
    private readonly tracing: Tracing,
    @InjectRootLogger() logger: Logger,
  ) {
    super();
    this.log = logger.child({ component: 'ingest' });
  }

  onPressureChange(listener: (full: boolean) => void): void {
    this.buffer.onPressureChange(listener);
  }

  /** Called in the socket's message handler, so a sampled frame's span starts as it is read. */
  accept(frameOrigin: FrameOrigin, text: string, frame: ParsedFrame | RejectedFrame): void {
    const receivedAt = new Date();
    const { host } = frameOrigin;
    const trace = this.tracing.frameTrace(host);
    const origin = this.originOf(frameOrigin);
    if (origin === undefined) {
      this.metrics.framesDropped.inc({ reason: 'no_account' });
      trace?.dropped('no_account');
      return;
    }
    const result = normalizeParsedFrame(frame, this.frameContext(origin, receivedAt));
    switch (result.kind) {
      case 'events':
        this.metrics.framesReceived.inc({ host, event: frameKinds[result.events[0].type] });
        this.publishDeviceEvents(origin, result.events, result.hexReading, text, receivedAt, trace);
        return;
      case 'rejected':
        this.metrics.framesReceived.inc({ host, event: 'invalid' });
        this.deadLetter(origin, result, text, receivedAt, trace);
        return;
      case 'dropped':
        this.metrics.framesReceived.inc({ host, event: 'unknown' });
        this.metrics.framesDropped.inc({ reason: result.reason });
        trace?.dropped(result.reason);
        return;
    }
  }

  /**
   * What the Cloud Control API reported of an account's devices, given as the frames its socket would
   * have carried: published like them, each event marked `source.snapshot`. Not counted as frames read.
   */
  publishSnapshot(accountId: string, frames: readonly ParsedFrame[]): void {
    const account = this.accounts.get(accountId);
    if (account === undefined) return;
    this.publishMarked({ api: 'rte', host: account.apiHost, account }, frames, 'snapshot');
  }

  /**
   * What a resync learned of a device (`DeviceVerify`), given as the frame the device would have sent
   * (a status, or offline): published like one, its events marked `source.resync`. It is no frame
   * read from a socket, so it is not counted as one.
   */
  publishResync(host: string, frame: JsonObject & { event: string }): void {
    this.publishMarked(
      { api: 'integrator', host },
      [{ kind: 'parsed', event: frame.event, frame }],
      'resync',
    );
  }

  private publishMarked(
    origin: Origin,
    frames: readonly ParsedFrame[],
    mark: 'resync' | 'snapshot',
  ): void {
    for (const frame of frames) {
      const receivedAt = new Date();
      const text = JSON.stringify(frame.frame);
      const result = normalizeParsedFrame(frame, this.frameContext(origin, receivedAt));
      if (result.kind === 'events') {
        for (const event of result.events) event.source[mark] = true;
        // A resync or a snapshot names the device by the id it is known under: one reading only.
        this.publishDeviceEvents(origin, result.events, undefined, text, receivedAt);
      } else if (result.kind === 'rejected') {
        this.deadLetter(origin, result, text, receivedAt);
      } else {
        this.metrics.framesDropped.inc({ reason: result.reason });
      }
    }
  }

  private originOf({ key, host }: FrameOrigin): Origin | undefined {
    const session = readSessionKey(key);
    if (session.kind === 'integrator') return { api: 'integrator', host };
    const account = this.accounts.get(session.accountId);
    return account && { api: 'rte', host, account };
  }

  private frameContext(origin: Origin, receivedAt: Date) {
    return {
      host: origin.host,
      api: origin.api,
      account: origin.api === 'rte' ? String(origin.account.shellyUserId) : undefined,
      receivedAt,
      newEventId: randomUUID,
      includeRawStatus: this.config.ingest.includeRawStatus,
    };
  }

  /**
   * All events of one frame are about one device; they are published only when the device has an
   * owner: its consent on an integrator session, its linked account on the account's socket.
   */
  private publishDeviceEvents(
    origin: Origin,
    events: DeviceEvent[],
    hexReading: string | undefined,
    text: string,
    receivedAt: Date,
    trace?: FrameTrace,
  ): void {
    const owner =
      origin.api === 'rte'
        ? this.accountOwner(origin.account, events, hexReading)
        : this.consentOwner(events, hexReading);
    if (!owner) {
      this.metrics.framesDropped.inc({ reason: 'no_consent' });
      trace?.dropped('no_consent', { 'shelly.device.id': events[0].device.id });
      return;
    }
    const { host } = origin;
    const topics = this.topicRouter.topicsOf(owner.partnerId);
    const source = this.sourceOf(origin.api, host);
    const outgoing = events.map((event): OutgoingEvent => {
      event.partner = owner.partnerId;
      event.device.owner = owner.ownerUserId;
      event.device.model ??= owner.model;
      return {
        topic: topics[topicKeyFor(event.type)],
        key: event.device.id,
        type: event.type,
        id: event.id,
        source,
        time: event.time,
        partner: owner.partnerId,
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
      this.deadLetter(origin, { reason: 'frame_too_large', detail }, text, receivedAt, trace);
      return;
    }
    const at = receivedAt.getTime();
    for (const event of events) this.deviceStates.record(event, at);
    const settled = trace?.publishing('published', outgoing.length, {
      'shelly.device.id': events[0].device.id,
      'shelly.partner.id': owner.partnerId,
    });
    for (const event of outgoing) this.buffer.push(event, settled);
  }

  private consentOwner(
    events: DeviceEvent[],
    hexReading: string | undefined,
  ): EventOwner | undefined {
    if (hexReading !== undefined) {
      this.takeReading(events, hexReading, (id) => this.consents.get(id) !== undefined);
    }
    const consent = this.consents.get(events[0].device.id);
    return (
      consent && {
        partnerId: consent.partnerId,
        ownerUserId: consent.ownerUserId,
        model: consent.deviceCode ?? consent.deviceType,
      }
    );
  }

  /**
   * Every device on an account's socket is the account's; one it did not know yet is recorded, so
   * that commands can find it.
   */
  private accountOwner(
    account: LinkedAccount,
    events: DeviceEvent[],
    hexReading: string | undefined,
  ): EventOwner {
    if (hexReading !== undefined) {
      this.takeReading(
        events,
        hexReading,
        (id) => this.accounts.device(account.id, id) !== undefined,
      );
    }
    const { id, model, gen } = events[0].device;
    if (this.accounts.device(account.id, id) === undefined) {
      this.accounts
        .addDevices(account.id, [{ deviceId: id, model, gen }])
        .catch((error: unknown) =>
          this.log.warn(
            { err: error, accountId: account.id, deviceId: id },
            'could not record a device of a linked account',
          ),
        );
    }
    return { partnerId: account.partnerId, ownerUserId: account.shellyUserId, model: null };
  }

  /** The `ce_source` of a session's events and dead letters. */
  private sourceOf(api: ShellyApi, host: string): string {
    const key = `${api} ${host}`;
    let source = this.sources.get(key);
    if (source === undefined) {
      source = sessionSource(api, host);
      this.sources.set(key, source);
    }
    return source;
  }

  /** An id that reads both ways names the device of its other reading when only that one is known. */
  private takeReading(
    events: DeviceEvent[],
    hexReading: string,
    known: (deviceId: string) => boolean,
  ): void {
    const deviceId = chooseReading(events[0].device.id, hexReading, known);
    for (const event of events) event.device.id = deviceId!;
  }

  /** UTF-8 takes at most 3 bytes per UTF-16 unit: most events are cleared without counting their bytes. */
  private mayBeTooLarge(event: OutgoingEvent): boolean {
    return (event.value?.length ?? 0) * 3 + KEY_AND_HEADERS_BYTES > this.config.kafka.batchMaxBytes;
  }

  private deadLetter(
    origin: Origin,
    rejection: { reason: DeadLetterReason; detail: string },
    raw: string,
    receivedAt: Date,
    trace?: FrameTrace,
  ): void {
    this.metrics.framesDeadLettered.inc({ reason: rejection.reason });
    const source: EventSource = { api: origin.api, host: origin.host };
    if (origin.api === 'rte') source.account = String(origin.account.shellyUserId);
    const letter = deadLetter(
      rejection,
      raw,
      { id: randomUUID(), receivedAt, source },
      Math.min(MAX_DEAD_LETTER_BYTES, this.config.kafka.batchMaxBytes - KEY_AND_HEADERS_BYTES),
    );
    this.buffer.push(
      {
        topic: this.config.kafka.topics.deadLetter,
        key: origin.host,
        type: letter.type,
        id: letter.id,
        source: this.sourceOf(origin.api, origin.host),
        time: letter.time,
        // A frame that cannot be read may name no device, so dead letters belong to no partner.
        partner: null,
        value: JSON.stringify(letter),
      },
      trace?.publishing('dead_lettered', 1, { 'shelly.reason': rejection.reason }),
    );
  }
}
