import { ApiKeyScope } from '../../src/partners/api-key';
import { ApiKeyStore } from '../../src/partners/api-key.store';
import { DEFAULT_PARTNER_ID } from '../../src/partners/partner';
import { ConsentCache } from '../../src/consent/consent-cache';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { SimulatorOptions } from '../../src/simulator/simulator.server';
import { callService } from './service-api';
import { waitFor } from './eventually';
import { IngestRig, startIngestRig } from './ingest';

export const OWNER = 48213;

export interface ControlRig extends IngestRig {
  keys: { read: string; control: string; admin: string };
  /** Key ids, as the audit records them. */
  keyIds: { read: string; control: string; admin: string };
  /** The first simulated device of a model. */
  device(model: string, index?: number): SimulatedDevice;
  /**
   * Grants consent through a signed callback and waits until the service holds it: through the
   * partner's consent link when a partner is named, else the plain callback (the default partner).
   */
  grant(device: SimulatedDevice, accessGroups: '00' | '01', partnerId?: string): Promise<void>;
  call(
    method: string,
    path: string,
    key: string | null | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  command(
    deviceId: string,
    body: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** `POST /v1/devices/{id}/rpc`, with the control key unless another is given. */
  rpc(
    deviceId: string,
    body: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  get(path: string, key?: string | null): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The simulator and the service, with a fleet of one device per commandable model on one host,
 * every device granted `control`, and keys of each scope.
 */
export async function startControlRig(
  options: {
    env?: Record<string, string>;
    models?: string[];
    simulator?: Partial<SimulatorOptions>;
    database?: { url: string };
  } = {},
): Promise<ControlRig> {
  const host = 'shelly-103-eu.shelly.cloud';
  const models = options.models ?? [
    'SHSW-1',
    'SHSW-1',
    'SNSW-001P16EU',
    'SHDM-2',
    'SHRGBW2',
    'SHSW-25',
    'SNSW-102P16EU',
    'SHHT-1',
  ];
  const rig = await startIngestRig({
    simulator: {
      hosts: [host],
      fleet: { devices: models.map((model) => ({ model, host })) },
      ...options.simulator,
    },
    env: {
      CONTROL_RATE_PER_KEY: '0',
      CONTROL_RATE_PER_DEVICE: '0',
      ...options.env,
    },
    database: options.database,
  });
  const store = rig.service.app.get(ApiKeyStore);
  const issue = (scope: ApiKeyScope) =>
    store.create(`test ${scope}`, [scope], {
      partnerId: scope === 'admin' ? null : DEFAULT_PARTNER_ID,
    });
  const [read, control, admin] = await Promise.all([
    issue('read'),
    issue('control'),
    issue('admin'),
  ]);
  const consents = rig.service.app.get(ConsentCache);
  const call = (
    method: string,
    path: string,
    key: string | null | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> => callService(rig.service.url, method, path, key, body, extraHeaders);

  const grant = async (device: SimulatedDevice, accessGroups: '00' | '01', partnerId?: string) => {
    const link = partnerId
      ? await call('POST', `/v1/partners/${partnerId}/consent-links`, admin.key)
      : undefined;
    if (link && link.status !== 201) throw new Error(`no consent link: ${JSON.stringify(link)}`);
    const result = await rig.sim.grantConsent(device, {
      userId: OWNER,
      accessGroups,
      link: link?.body.url as string | undefined,
    });
    if (!result.applied) throw new Error(`consent not applied: ${result.status} ${result.body}`);
    const scope = accessGroups === '01' ? 'control' : 'read';
    const partner = partnerId ?? DEFAULT_PARTNER_ID;
    await waitFor(() => {
      const consent = consents.get(device.identity.id);
      return consent?.scope === scope && consent.partnerId === partner;
    }, 5_000);
  };
  for (const device of rig.sim.devices) await grant(device, '01');
  await rig.waitForSessions(1);

  return {
    ...rig,
    keys: { read: read.key, control: control.key, admin: admin.key },
    keyIds: { read: read.id, control: control.id, admin: admin.id },
    device: (model, index = 0) => {
      const found = rig.sim.devices.filter((d) => d.model.code === model)[index];
      if (!found) throw new Error(`no simulated ${model} #${index}`);
      return found;
    },
    grant,
    call,
    command: (deviceId, body, key = control.key, headers) =>
      call('POST', `/v1/devices/${encodeURIComponent(deviceId)}/commands`, key, body, headers),
    rpc: (deviceId, body, key = control.key, headers) =>
      call('POST', `/v1/devices/${encodeURIComponent(deviceId)}/rpc`, key, body, headers),
    get: (path, key = read.key) => call('GET', path, key),
  };
}
