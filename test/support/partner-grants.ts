import { ConsentCache } from '../../src/consent/consent-cache';
import { ConsentLinkSigner, partnerConsentLink } from '../../src/partners/consent-link';
import { DEFAULT_PARTNER_ID } from '../../src/partners/partner';
import { SimulatedDevice } from '../../src/simulator/simulated-device';
import { waitFor } from './eventually';
import { IngestRig } from './ingest';

const OWNER = 48213;

/** The user grants through the partner's consent link, or the plain callback path (`default`). */
export async function grantThrough(
  rig: IngestRig,
  device: SimulatedDevice,
  partnerId: string | null,
): Promise<void> {
  const { app, url, config } = rig.service;
  const link =
    partnerId === null
      ? undefined
      : partnerConsentLink(partnerId, app.get(ConsentLinkSigner), {
          integratorTag: config.shelly.integratorTag,
          callbackBaseUrl: url,
          callbackPath: config.consent.callbackPath,
        }).url;
  const result = await rig.sim.grantConsent(device, { userId: OWNER, accessGroups: '01', link });
  if (!result.applied) throw new Error(`consent not applied: ${result.status} ${result.body}`);
  const expected = partnerId ?? DEFAULT_PARTNER_ID;
  await waitFor(() => app.get(ConsentCache).get(device.identity.id)?.partnerId === expected, 5_000);
}
