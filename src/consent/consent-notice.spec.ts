import { Consent } from './consent';
import { readConsentNotice, writeConsentNotice } from './consent-notice';

const consent: Consent = {
  deviceId: 'cc7b5c0c5d9c',
  ownerUserId: 1042,
  deviceType: 'SNSW-001P16EU',
  deviceCode: 'S3SW-001P16EU',
  scope: 'control',
  host: 'shelly-103-eu.shelly.cloud',
  channelNames: ['Kitchen'],
  partnerId: 'default',
  grantedAt: new Date('2026-03-01T10:00:00.000Z'),
  updatedAt: new Date('2026-03-02T11:30:00.250Z'),
};

describe('consent change notices', () => {
  it('carry the consent after the change, dates included, so that listeners need no query', () => {
    expect(readConsentNotice(writeConsentNotice(consent.deviceId, consent, 7))).toEqual({
      deviceId: consent.deviceId,
      version: 7,
      consent,
    });
  });

  it('carry null for a revoked device', () => {
    expect(readConsentNotice(writeConsentNotice(consent.deviceId, null, 8))).toEqual({
      deviceId: consent.deviceId,
      version: 8,
      consent: null,
    });
  });

  it('name only the device and version when the consent would not fit in a Postgres notification', () => {
    const longNames = {
      ...consent,
      channelNames: Array.from({ length: 64 }, () => 'n'.repeat(200)),
    };
    const payload = writeConsentNotice(consent.deviceId, longNames, 9);
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(readConsentNotice(payload)).toEqual({ deviceId: consent.deviceId, version: 9 });
  });
});
