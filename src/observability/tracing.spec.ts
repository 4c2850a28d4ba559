import type { AppConfig, TracingConfig } from '../config';
import { startOtlpReceiver, type OtlpReceiver } from '../../test/support/otlp-receiver';
import { waitFor } from '../../test/support/eventually';
import { Replica } from './replica';
import { endSpan, SpanKind, Tracing } from './tracing';

const partnerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const partnerSpan = '00f067aa0ba902b7';

describe('tracing', () => {
  let receiver: OtlpReceiver;
  const replica = new Replica();

  function tracing(settings: Partial<TracingConfig>): Tracing {
    const config = {
      tracing: {
        endpoint: receiver.url,
        serviceName: 'shelly-ingest',
        exportDelayMs: 10,
        frameSampleRatio: 1,
        ...settings,
      },
    } as AppConfig;
    return new Tracing(config, replica);
  }

  beforeEach(async () => (receiver = await startOtlpReceiver()));
  afterEach(() => receiver.close());

  it('makes no span and sends nothing when no endpoint is set, whatever the environment says', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    try {
      const off = tracing({ endpoint: null });
      expect(off.frameTrace('shelly-103-eu.shelly.cloud')).toBeUndefined();
      const served = off.serve('POST /v1/devices/:id/commands', {}, {}, (span) => {
        const hop = off.startSpan('forward to holder', SpanKind.CLIENT, {});
        const headers: Record<string, string> = {};
        off.inject(hop, headers);
        endSpan(hop, 'ok');
        endSpan(span, 'ok');
        return [span.isRecording(), hop.isRecording(), headers];
      });
      await off.onApplicationShutdown();

      expect(served).toEqual([false, false, {}]);
      expect(receiver.requests).toBe(0);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  });

  it('continues a caller’s traceparent and exports the spans under this replica’s name', async () => {
    const on = tracing({ serviceName: 'ingest-eu' });
    const headers: Record<string, string> = {};
    on.serve(
      'GET /v1/devices/:id/settings',
      { traceparent: `00-${partnerTrace}-${partnerSpan}-00` },
      { 'shelly.device.id': 'shellyplus1-a8032ab12345' },
      (span) => {
        const hop = on.startSpan('forward to holder', SpanKind.CLIENT, {});
        on.inject(hop, headers);
        endSpan(hop, 'ok');
        endSpan(span, 'device_offline');
      },
    );
    await on.onApplicationShutdown();

    const server = receiver.spans.find((s) => s.name === 'GET /v1/devices/:id/settings')!;
    const hop = receiver.spans.find((s) => s.name === 'forward to holder')!;
    expect(server).toMatchObject({
      traceId: partnerTrace,
      parentSpanId: partnerSpan,
      resource: { 'service.name': 'ingest-eu', 'service.instance.id': replica.id },
      attributes: { 'shelly.outcome': 'device_offline', 'error.type': 'device_offline' },
    });
    expect(hop).toMatchObject({ traceId: partnerTrace, parentSpanId: server.spanId });
    expect(headers.traceparent).toBe(`00-${partnerTrace}-${hop.spanId}-01`);
  });

  it('traces the share of frames its ratio says, and no Shelly request outside a traced one', async () => {
    const none = tracing({ frameSampleRatio: 0 });
    expect(none.frameTrace('shelly-103-eu.shelly.cloud')).toBeUndefined();
    expect(none.startSpan('Shelly:CommandRequest', SpanKind.CLIENT, {}).isRecording()).toBe(false);
    await none.onApplicationShutdown();

    const every = tracing({ frameSampleRatio: 1 });
    const frame = every.frameTrace('shelly-103-eu.shelly.cloud')!;
    const settle = frame.publishing('published', 2, { 'shelly.device.id': 'shelly1-b9c3e4' });
    settle('published');
    settle('parked');
    await waitFor(() => receiver.spans.length === 1, 5_000);
    await every.onApplicationShutdown();

    expect(receiver.spans[0]).toMatchObject({
      name: 'ingest frame',
      parentSpanId: '',
      attributes: {
        'shelly.host': 'shelly-103-eu.shelly.cloud',
        'shelly.device.id': 'shelly1-b9c3e4',
        'shelly.event.count': 2,
        'shelly.outcome': 'parked',
      },
    });
  });
});
