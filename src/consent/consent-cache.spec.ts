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

    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 1);
    cache.set('aa0000000002', consent('aa0000000002', 'h1'), 2);
    cache.set('aa0000000001', null, 3);
    expect(cache.hosts()).toEqual(['h1']);
    cache.set('aa0000000002', null, 4);

    expect(heard).toEqual(['+h1', '-h1']);
    expect(cache.hosts()).toEqual([]);
  });

  it('moves a device between hosts when its consent names a new host', () => {
    const cache = new ConsentCache();
    const heard: string[] = [];
    cache.onHostSetChange(({ host, present }) => heard.push(`${present ? '+' : '-'}${host}`));
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 5);
    cache.set('aa0000000001', consent('aa0000000001', 'h2'), 6);
    expect(heard).toEqual(['+h1', '+h2', '-h1']);
    expect(cache.get('aa0000000001')?.host).toBe('h2');
  });

  it('replaces everything and announces only the difference', () => {
    const cache = new ConsentCache();
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 7);
    cache.set('aa0000000002', consent('aa0000000002', 'h2'), 8);
    const heard: string[] = [];
    cache.onHostSetChange(({ host, present }) => heard.push(`${present ? '+' : '-'}${host}`));
    cache.replaceAll([
      { consent: consent('aa0000000002', 'h2'), version: 2 },
      { consent: consent('aa0000000003', 'h3'), version: 3 },
    ]);
    expect(heard.sort()).toEqual(['+h3', '-h1']);
    expect(cache.size).toBe(2);
    expect(cache.get('aa0000000001')).toBeUndefined();
  });
});

describe('consent cache versions', () => {
  it('ignores a change older than the one it holds, a revoke included', () => {
    const cache = new ConsentCache();
    expect(cache.set('aa0000000001', null, 7)).toBe(true);
    expect(cache.set('aa0000000001', consent('aa0000000001', 'h1'), 6)).toBe(false);
    expect(cache.get('aa0000000001')).toBeUndefined();

    expect(cache.set('aa0000000001', consent('aa0000000001', 'h2'), 8)).toBe(true);
    expect(cache.get('aa0000000001')?.host).toBe('h2');
  });

  it('keeps a change newer than a snapshot the reload read before it', () => {
    const cache = new ConsentCache();
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 3);
    cache.set('aa0000000001', null, 5);

    cache.replaceAll([{ consent: consent('aa0000000001', 'h1'), version: 3 }]);

    expect(cache.get('aa0000000001')).toBeUndefined();
    expect(cache.hosts()).toEqual([]);
  });

  it('tells listeners of every device that loses its consent', () => {
    const cache = new ConsentCache();
    const revoked: string[] = [];
    cache.onRevoke((ended) => revoked.push(ended.deviceId));
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 1);
    cache.set('aa0000000002', consent('aa0000000002', 'h1'), 2);
    cache.set('aa0000000001', null, 3);
    cache.replaceAll([]);
    cache.set('aa0000000003', null, 4);
    expect(revoked).toEqual(['aa0000000001', 'aa0000000002']);
  });

  it('tells revoke listeners of a device that moves to another partner, with the partner it left', () => {
    const cache = new ConsentCache();
    const ended: string[] = [];
    cache.onRevoke((c) => ended.push(`${c.deviceId}@${c.partnerId}`));
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 1);
    cache.set('aa0000000001', { ...consent('aa0000000001', 'h2'), scope: 'control' }, 2);
    cache.set('aa0000000001', { ...consent('aa0000000001', 'h2'), partnerId: 'acme' }, 3);
    expect(ended).toEqual(['aa0000000001@default']);
  });

  it('tells listeners of every device that gains a consent, not of changes to one it holds', () => {
    const cache = new ConsentCache();
    const granted: string[] = [];
    cache.onGrant((c) => granted.push(c.deviceId));
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 1);
    cache.set('aa0000000001', consent('aa0000000001', 'h2'), 2);
    cache.set('aa0000000001', null, 3);
    cache.set('aa0000000001', consent('aa0000000001', 'h1'), 4);
    expect(granted).toEqual(['aa0000000001', 'aa0000000001']);
  });
});
