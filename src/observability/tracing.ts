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
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { type AppConfig, InjectConfig } from '../config';
import { FrameTrace } from './frame-trace';
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
  private readonly provider?: TracerProvider;
  private readonly tracer?: Tracer;
  private readonly frameSampleRatio: number;
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly current = new AsyncLocalStorage<Context>();

  constructor(@InjectConfig() config: AppConfig, replica: Replica) {
    const { endpoint, serviceName, exportDelayMs, frameSampleRatio } = config.tracing;
    this.enabled = endpoint !== null;
    this.frameSampleRatio = frameSampleRatio;
    if (endpoint === null) return;
    this.provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: serviceName,
        [ATTR_SERVICE_INSTANCE_ID]: replica.id,
      }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }),
          scheduledDelayMillis: exportDelayMs,
        }),
      ],
    });
    this.tracer = this.provider.getTracer('shelly-ingest');
  }

  /** A span for the frame just read, or undefined when tracing is off or the frame is not sampled. */
  frameTrace(host: string): FrameTrace | undefined {
    if (!this.tracer || Math.random() >= this.frameSampleRatio) return undefined;
    return new FrameTrace(
      this.tracer.startSpan('ingest frame', {
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
    if (!this.tracer) return handle(NOT_RECORDING);
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return this.current.run(trace.setSpan(parent, span), () => handle(span));
  }

  /**
   * A span, the child of the current request's; the caller ends it. Outside a traced request (a
   * resync's `DeviceVerify`) it records nothing.
   */
  startSpan(name: string, kind: SpanKind, attributes: Attributes): Span {
    const parent = this.current.getStore();
    if (!this.tracer || parent === undefined) return NOT_RECORDING;
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /** Adds `span`'s `traceparent` (and `tracestate`) to the headers of a request it makes. */
  inject(span: Span, headers: Record<string, string>): void {
    if (!span.isRecording()) return;
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  }

  /** Spans still waiting for export leave now. */
  async onApplicationShutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}

/** Ends the span of a request with how it ended: `ok`, or its error code. */
export function endSpan(span: Span, outcome: string, attributes: Attributes = {}): void {
  span.setAttributes({ ...attributes, 'shelly.outcome': outcome });
  if (outcome !== 'ok') {
    span.setAttribute(ATTR_ERROR_TYPE, outcome);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }
  span.end();
}
