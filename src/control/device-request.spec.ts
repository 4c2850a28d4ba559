import { parseRequest, toShellyRequest } from './device-request';

describe('RPC call bodies', () => {
  it('becomes a Shelly:JrpcRequest with the method and params as given', () => {
    const parsed = parseRequest('rpc', { method: 'Switch.Set', params: { id: 0, on: true } });
    expect(parsed.success).toBe(true);
    expect(parsed.success && parsed.data).toEqual({
      type: 'rpc',
      method: 'Switch.Set',
      params: { id: 0, on: true },
    });
    expect(toShellyRequest(parsed.success ? parsed.data : never())).toEqual({
      kind: 'rpc',
      method: 'Switch.Set',
      params: { id: 0, on: true },
    });
  });

  it('takes a call without params', () => {
    expect(parseRequest('rpc', { method: 'Shelly.GetStatus' }).success).toBe(true);
  });

  it.each([
    [{}, 'method'],
    [{ method: 'GetStatus' }, 'method'],
    [{ method: 'Shelly.Get Status' }, 'method'],
    [{ method: `Shelly.${'A'.repeat(64)}` }, 'method'],
    [{ method: 7 }, 'method'],
    [{ method: 'Switch.Set', params: [0] }, 'params'],
    [{ method: 'Switch.Set', params: 'id=0' }, 'params'],
    [{ method: 'Switch.Set', id: 0 }, ''],
    [{ method: 'Switch.Set', params: { name: 'a\u0000b' } }, 'params'],
    [{ method: 'Switch.Set', params: { deep: [{ ['k\u0000']: 1 }] } }, 'params'],
    [{ type: 'relay', channel: 0, action: 'on' }, 'method'],
  ])('refuses %j', (body, path) => {
    const parsed = parseRequest('rpc', body);
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error.issues[0].path.join('.')).toBe(path);
  });

  it('reads a command body as a command, not as an RPC call', () => {
    expect(parseRequest('command', { method: 'Switch.Set' }).success).toBe(false);
  });
});

function never(): never {
  throw new Error('unreachable');
}
