import type { TextMapPropagator, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config';

export interface OtlpExport {
  tracer: Tracer;
  propagator: TextMapPropagator;
  /** Exports the spans still waiting, then stops. */
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK, loaded only when tracing is on: a tracer provider that samples every span
 * it is asked for and sends the finished ones in batches to `<endpoint>/v1/traces`, as JSON.
 */
export function startOtlpExport(
  config: TracingConfig & { endpoint: string },
  replicaId: string,
): OtlpExport {
  const provider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_INSTANCE_ID]: replicaId,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces` }),
        scheduledDelayMillis: config.exportDelayMs,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('shelly-ingest'),
    propagator: new W3CTraceContextPropagator(),
    shutdown: () => provider.shutdown(),
  };
}
