import { SessionManager } from '../../src/shelly/session-manager';
import { ControlRig, startControlRig } from '../support/control';
import { waitFor } from '../support/eventually';

const toggle = { type: 'relay', channel: 0, action: 'toggle' };

describe("commands while the session to the device's Shelly host is down", () => {
  let rig: ControlRig;

  beforeAll(async () => {
    rig = await startControlRig({ models: ['SHSW-1', 'SNSW-001P16EU'] });
  });

  afterAll(() => rig?.stop());

  it('answers 503 host_session_down, and commands go out again once the session is back', async () => {
    const host = rig.sim.hosts[0];
    const [relay, readOnly] = rig.sim.devices;
    await rig.grant(readOnly, '00');
    const sessions = rig.service.app.get(SessionManager);

    rig.sim.faults.refuseConnections(host, 60_000);
    rig.sim.faults.dropConnection(host);
    await waitFor(() => !sessions.isUp(host), 5_000);
    const sent = rig.sim.commands.length;

    const answer = await rig.command(relay.identity.id, toggle);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'host_session_down' });
    // Consent is checked before the session: a read-only device is refused as such.
    const refused = await rig.command(readOnly.identity.id, toggle);
    expect(refused.body.code).toBe('consent_read_only');
    expect(rig.sim.commands.length).toBe(sent);

    rig.sim.faults.clear();
    await waitFor(() => sessions.isUp(host), 10_000);
    expect((await rig.command(relay.identity.id, toggle)).status).toBe(200);
  });
});
