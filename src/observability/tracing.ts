import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type AppConfig, InjectConfig } from '../config';
import { FrameTrace } from './frame-trace';
import type { OtlpExport } from './otlp-export';
import { Replica } from './replica';

export type { Attributes, Span };
export { SpanKind };

/** The one span every call gets while tracing is off: it records nothing. */
const NOT_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The spans of this application, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * The tracer provider is this application's own, not registered globally, so that each replica
 * exports under its own `service.instance.id`, even two in one process. Which span is current is
 * kept in this instance's own async context. Off, every call answers from a boolean and makes no
 * span.
 *
 * Sampling is decided here rather than by the SDK's sampler: every command request is traced, and a
 * caller's `traceparent` gives it its trace and parent whatever its sampled flag says; a frame is
 * traced with TRACING_FRAME_SAMPLE_RATIO, checked before any span object exists.
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  readonly enabled: boolean;
  private readonly otlp?: OtlpExport;
  private readonly frameSampleRatio: number;
  private readonly current = new AsyncLocalStorage<Context>();

  constructor(@InjectConfig() config: AppConfig, replica: Replica) {
    const { endpoint } = config.tracing;
    this.enabled = endpoint !== null;
    this.frameSampleRatio = config.tracing.frameSampleRatio;
    if (endpoint === null) return;
    // Loaded only when asked for: the SDK and the exporter take a while to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startOtlpExport } = require('./otlp-export') as typeof import('./otlp-export');
    this.otlp = startOtlpExport({ ...config.tracing, endpoint }, replica.id);
  }

  /** A span for the frame just read, or undefined when tracing is off or the frame is not sampled. */
  frameTrace(host: string): FrameTrace | undefined {
    if (!this.otlp || Math.random() >= this.frameSampleRatio) return undefined;
    return new FrameTrace(
      this.otlp.tracer.startSpan('ingest frame', {
        kind: SpanKind.CONSUMER,
        attributes: { 'shelly.host': host },
      }),
    );
  }

  /**
   * Runs `handle` in a server span for an incoming request, the child of the caller's `traceparent`
   * when it sent one.
   */
  serve<T>(
    name: string,
    headers: Record<string, string | string[] | undefined>,
    attributes: Attributes,
    handle: (span: Span) => T,
  ): T {
    if (!this.otlp) return handle(NOT_RECORDING);
    const parent = this.otlp.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = this.otlp.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return this.current.run(trace.setSpan(parent, span), () => handle(span));
  }

  /**
   * A span, the child of the current request's; the caller ends it. Outside a traced request (a
   * resync's `DeviceVerify`) it records nothing.
   */
  startSpan(name: string, kind: SpanKind, attributes: Attributes): Span {
    const parent = this.current.getStore();
    if (!this.otlp || parent === undefined) return NOT_RECORDING;
    return this.otlp.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /** Adds `span`'s `traceparent` (and `tracestate`) to the headers of a request it makes. */
  inject(span: Span, headers: Record<string, string>): void {
    if (!this.otlp || !span.isRecording()) return;
    this.otlp.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  }

  /** Spans still waiting for export leave now. */
  async onApplicationShutdown(): Promise<void> {
    await this.otlp?.shutdown();
  }
}

/** Ends the span of a request with how it ended: `ok`, or its error code. */
export function endSpan(span: Span, outcome: string, attributes: Attributes = {}): void {
  span.setAttributes({ ...attributes, 'shelly.outcome': outcome });
  if (outcome !== 'ok') {
    span.setAttribute('error.type', outcome);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }
  span.end();
}
