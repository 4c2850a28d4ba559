import { ShutdownState } from '../../src/shutdown/shutdown';
import { PublishBuffer } from '../../src/publish/publish-buffer';
import { waitFor } from '../support/eventually';
import { IngestRig, startIngestRig } from '../support/ingest';

describe('requests during shutdown', () => {
  let rig: IngestRig | undefined;

  afterAll(async () => {
    await rig?.sim.stop();
  });

  it('answers consent callbacks and commands 503 shutting_down while health and metrics keep answering', async () => {
    rig = await startIngestRig({
      env: { KAFKA_BATCH_MAX_EVENTS: '1', SHUTDOWN_GRACE_MS: '60000' },
    });
    const [late] = rig.sim.devices;
    await rig.grantAll([late.identity.id]);
    await rig.waitForSessions(rig.sim.hosts.length);
    const buffer = rig.service.app.get(PublishBuffer);
    const shutdown = rig.service.app.get(ShutdownState);
    const { url } = rig.service;

    // A backlog keeps the service in its flush for a while, with the HTTP server still listening.
    const load = rig.sim.load({ eventsPerSecond: 5_000, durationMs: 3_000 });
    await waitFor(() => buffer.depth >= 1_000, 8_000);
    const stopped = rig.service.stop();
    await waitFor(() => shutdown.isShuttingDown, 1_000);

    const grant = await rig.sim.grantConsent(late, { userId: 48213 });
    // Refused before the API key is even looked at: the database may be closing already.
    const command = await fetch(`${url}/v1/devices/${rig.sim.devices[1].identity.id}/commands`, {
      method: 'POST',
      headers: { authorization: 'Bearer sik_unknown', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'relay', channel: 0, action: 'toggle' }),
    });
    const { managementUrl } = rig.service;
    const ready = await fetch(`${managementUrl}/health/ready`);
    const live = await fetch(`${managementUrl}/health/live`);
    const metrics = await fetch(`${managementUrl}/metrics`);
    const stillFlushing = buffer.depth > 0;
    await stopped;
    await load;

    expect(stillFlushing).toBe(true);
    expect(grant.applied).toBe(false);
    expect(grant.status).toBe(503);
    expect(JSON.parse(grant.body ?? '')).toEqual({
      code: 'shutting_down',
      message: expect.any(String),
    });
    expect([command.status, await command.json()]).toEqual([
      503,
      { code: 'shutting_down', message: expect.any(String) },
    ]);
    expect(command.headers.get('connection')).toBe('close');
    expect(rig.sim.consents().map((c) => c.deviceId)).not.toContain(late.identity.deviceId);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'shutting_down' }]);
    expect(live.status).toBe(200);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('shelly_ingest_frames_received_total');
  }, 60_000);
});
