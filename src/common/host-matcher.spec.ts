import { hostMatcher } from './host-matcher';

describe('host allowlist', () => {
  const allowed = hostMatcher(['shelly-*.shelly.cloud']);

  it.each(['shelly-103-eu.shelly.cloud', 'SHELLY-77-US.shelly.cloud'])('trusts %s', (host) => {
    expect(allowed(host)).toBe(true);
  });

  it.each([
    'evil.example.com',
    'shelly-103-eu.shelly.cloud.evil.com',
    'shelly-1.eu.shelly.cloud',
    'shelly-.shelly.cloud',
    'shelly-103-eu.shelly.cloud:8443',
    'shelly-103-euXshelly.cloud',
  ])('refuses %s', (host) => {
    expect(allowed(host)).toBe(false);
  });
});
