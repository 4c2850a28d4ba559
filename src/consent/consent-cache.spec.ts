import { Consent } from './consent';
import { ConsentCache } from './consent-cache';

function consent(deviceId: string, host: string): Consent {
  return {
    deviceId,
    ownerUserId: 1,
    deviceType: null,
    deviceCode: null,
    scope: 'read',
    host,
    channelNames: [],
    partnerId: 'default',
    grantedAt: new Date(0),
    updatedAt: new Date(0),
  };
}

describe('consent cache host set', () => {
  it('announces a host with its first device and drops it with its last', () => {
    const cache = new ConsentCache();
    const heard: string[] = [];
    cache.onHostSetChange(({ host, present }) => heard.push(`${present ? '+' : '-'}${host}`));

    cache.set('aa0000000001', consent('aa0000000001', 'h1'));
    cache.set('aa0000000002', consent('aa0000000002', 'h1'));
    cache.set('aa0000000001', null);
    expect(cache.hosts()).toEqual(['h1']);
    cache.set('aa0000000002', null);

    expect(heard).toEqual(['+h1', '-h1']);
    expect(cache.hosts()).toEqual([]);
  });

  it('moves a device between hosts when its consent names a new host', () => {
    const cache = new ConsentCache();
    const heard: string[] = [];
    cache.onHostSetChange(({ host, present }) => heard.push(`${present ? '+' : '-'}${host}`));
    cache.set('aa0000000001', consent('aa0000000001', 'h1'));
    cache.set('aa0000000001', consent('aa0000000001', 'h2'));
    expect(heard).toEqual(['+h1', '+h2', '-h1']);
    expect(cache.get('aa0000000001')?.host).toBe('h2');
  });

  it('replaces everything and announces only the difference', () => {
    const cache = new ConsentCache();
    cache.set('aa0000000001', consent('aa0000000001', 'h1'));
    cache.set('aa0000000002', consent('aa0000000002', 'h2'));
    const heard: string[] = [];
    cache.onHostSetChange(({ host, present }) => heard.push(`${present ? '+' : '-'}${host}`));
    cache.replaceAll([consent('aa0000000002', 'h2'), consent('aa0000000003', 'h3')]);
    expect(heard.sort()).toEqual(['+h3', '-h1']);
    expect(cache.size).toBe(2);
    expect(cache.get('aa0000000001')).toBeUndefined();
  });
});
