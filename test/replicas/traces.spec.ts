import { RunningService } from '../support/app';
import { waitFor } from '../support/eventually';
import { hostsUp, IngestRig, startIngestRig } from '../support/ingest';
import { readRawTopic } from '../support/kafka-reader';
import { OtlpReceiver, ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { requireServices } from '../support/services';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import { Replica } from '../../src/observability/replica';

const { kafkaBrokers } = requireServices();
const HOSTS = ['shelly-101-eu.shelly.cloud', 'shelly-102-eu.shelly.cloud'];

describe('traces of replicas exported over OTLP', () => {
  let receiver: OtlpReceiver;
  let rig: IngestRig;
  let holder: RunningService;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    rig = await startIngestRig({
      simulator: {
        hosts: HOSTS,
        fleet: { devices: HOSTS.map((host) => ({ model: 'SNSW-001P16EU', host })) },
      },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        TRACING_FRAME_SAMPLE_RATIO: '1',
        SESSION_LEASE_TTL_MS: '3000',
        CONTROL_RATE_PER_KEY: '0',
      },
    });
    holder = await rig.startReplica();
    await rig.grantAll();
    await waitFor(() => hostsUp(rig.service).length === 1 && hostsUp(holder).length === 1, 20_000);
    await rig.waitForResync();
  });

  afterAll(async () => {
    await rig?.stop();
    await receiver?.close();
  });

  it('shows a command sent to the replica without the host’s session as one trace through both replicas', async () => {
    const device = rig.sim.devices.find((d) => hostsUp(holder).includes(d.host))!;
    const { key } = await rig.service.app
      .get(ApiKeyStore)
      .create('partner', ['control'], { partnerId: 'default' });

    const answer = await fetch(`${rig.service.url}/v1/devices/${device.identity.id}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'relay', channel: 0, action: 'on' }),
    });
    expect(answer.status).toBe(200);

    const forwarder = rig.service.app.get(Replica).id;
    const owner = holder.app.get(Replica).id;
    const named = (name: string, replica: string) => (span: ReceivedSpan) =>
      span.name === name &&
      span.resource['service.instance.id'] === replica &&
      span.attributes['shelly.device.id'] === device.identity.id;
    let spans: Record<'entry' | 'hop' | 'served' | 'shelly', ReceivedSpan | undefined> = {
      entry: undefined,
      hop: undefined,
      served: undefined,
      shelly: undefined,
    };
    await waitFor(() => {
      spans = {
        entry: receiver.spans.find(named('POST /v1/devices/:id/commands', forwarder)),
        hop: receiver.spans.find(
          (s) => s.name === 'forward to holder' && s.resource['service.instance.id'] === forwarder,
        ),
        served: receiver.spans.find(named('POST /v1/devices/:id/commands', owner)),
        shelly: receiver.spans.find(named('Shelly:CommandRequest', owner)),
      };
      return Object.values(spans).every((span) => span !== undefined);
    }, 10_000);
    const { entry, hop, served, shelly } = spans as Record<keyof typeof spans, ReceivedSpan>;

    expect(new Set([entry, hop, served, shelly].map((s) => s.traceId)).size).toBe(1);
    expect(entry.parentSpanId).toBe('');
    expect(hop.parentSpanId).toBe(entry.spanId);
    expect(served.parentSpanId).toBe(hop.spanId);
    expect(shelly.parentSpanId).toBe(served.spanId);
    expect(entry.attributes).toMatchObject({
      'http.route': '/v1/devices/:id/commands',
      'shelly.partner.id': 'default',
      'shelly.outcome': 'ok',
      'http.response.status_code': 200,
    });
    expect(shelly.attributes).toMatchObject({ 'shelly.host': device.host, 'shelly.outcome': 'ok' });
    expect(JSON.stringify(receiver.spans)).not.toContain(key);
  });

  it('ends a frame’s span once Kafka acknowledged its event, naming the device', async () => {
    const device = rig.sim.devices[0];
    expect(rig.sim.emitStatus(device)).toBe(1);

    const records = await readRawTopic(kafkaBrokers, rig.topics.deviceStatus, (messages) =>
      messages.some(
        (m) =>
          m.key?.toString() === device.identity.id &&
          !JSON.parse(m.value!.toString()).source.resync,
      ),
    );
    const record = records.find(
      (m) =>
        m.key?.toString() === device.identity.id && !JSON.parse(m.value!.toString()).source.resync,
    )!;
    let frame: ReceivedSpan | undefined;
    await waitFor(() => {
      frame = receiver.spans.find(
        (s) => s.name === 'ingest frame' && s.attributes['shelly.device.id'] === device.identity.id,
      );
      return frame !== undefined;
    }, 10_000);

    expect(frame!.attributes).toMatchObject({
      'shelly.host': device.host,
      'shelly.partner.id': 'default',
      'shelly.event.count': 1,
      'shelly.outcome': 'published',
    });
    expect(frame!.endMs).toBeGreaterThanOrEqual(Number(record.timestamp));
  });
});
