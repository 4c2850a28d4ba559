import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../common';

/** Where Shelly sends users to choose the devices they share with an integrator. */
const CONSENT_PAGE = 'https://my.shelly.cloud/integrator.html';

/**
 * Signs the partner part of consent callback URLs, so that a callback counts for a partner only
 * through a link the service made for it. The signing key is derived from the API key pepper, under
 * a label of its own, so it needs no secret of its own and cannot be mistaken for a key hash.
 */
export class ConsentLinkSigner {
  private readonly key: Buffer;

  constructor(pepper: string) {
    this.key = createHmac('sha256', pepper).update('shelly-ingest consent links').digest();
  }

  sign(partnerId: string): string {
    return createHmac('sha256', this.key).update(partnerId).digest('base64url').slice(0, 22);
  }

  verify(partnerId: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(partnerId));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export interface ConsentLink {
  url: string;
  callbackUrl: string;
}

export interface ConsentLinkSettings {
  integratorTag: string;
  /** The public URL of the service, without the path; `null`: unknown, so no links. */
  callbackBaseUrl: string | null;
  callbackPath: string;
}

/**
 * The consent page URL a partner hands its users: Shelly's page with the integrator tag and a
 * callback URL under the callback path that names the partner and carries its signature.
 */
export function partnerConsentLink(
  partnerId: string,
  signer: ConsentLinkSigner,
  settings: ConsentLinkSettings,
): ConsentLink {
  if (settings.callbackBaseUrl === null) {
    throw new DomainError(
      'consent_links_unconfigured',
      'consent links need CONSENT_CALLBACK_BASE_URL, the public URL of this service',
    );
  }
  const callbackPath = settings.callbackPath.replace(/\/+$/, '');
  const callbackUrl = `${settings.callbackBaseUrl}${callbackPath}/partners/${partnerId}/${signer.sign(partnerId)}`;
  const itg = encodeURIComponent(settings.integratorTag);
  return { url: `${CONSENT_PAGE}?itg=${itg}&cb=${encodeURIComponent(callbackUrl)}`, callbackUrl };
}
