import type { Consent } from '../consent/consent';
import { rpcMethodRefusal, rpcUnsupported } from './rpc-methods';

const setMethods = ['Switch.Set', 'Cover.GoToPosition'];
const code = (method: string, scope: 'read' | 'control') =>
  rpcMethodRefusal(method, scope, setMethods)?.error.code;

describe('RPC method allow-list', () => {
  it.each([
    'Shelly.GetStatus',
    'Switch.GetStatus',
    'Shelly.GetConfig',
    'Cover.GetConfig',
    'Shelly.GetDeviceInfo',
    'Shelly.ListMethods',
    'Script.List',
    'shelly.getdeviceinfo',
    'SWITCH.GETSTATUS',
  ])('allows the read method %s with a read-only consent', (method) => {
    expect(code(method, 'read')).toBeUndefined();
    expect(code(method, 'control')).toBeUndefined();
  });

  it.each(['Switch.Set', 'switch.set', 'Cover.GoToPosition'])(
    'allows the configured set method %s with control only',
    (method) => {
      expect(code(method, 'control')).toBeUndefined();
      expect(code(method, 'read')).toBe('consent_read_only');
    },
  );

  it.each([
    'Switch.Toggle',
    'Shelly.Reboot',
    'Shelly.Update',
    'Sys.SetConfig',
    'Shelly.GetDeviceInfoX',
    'KVS.Get',
    'Shelly.FactoryReset',
  ])('refuses %s, neither a read method nor configured, whatever the scope', (method) => {
    expect(code(method, 'read')).toBe('rpc_method_not_allowed');
    expect(code(method, 'control')).toBe('rpc_method_not_allowed');
  });

  it('refuses every set method when none is configured', () => {
    expect(rpcMethodRefusal('Switch.Set', 'control', [])?.error.code).toBe(
      'rpc_method_not_allowed',
    );
  });
});

describe('devices that take RPC', () => {
  const consent = (deviceCode: string | null, deviceType: string | null = deviceCode) =>
    ({ deviceCode, deviceType }) as Consent;

  it.each([
    ['a Gen1 model', 'c45bbe6b1a2c', consent('SHSW-25')],
    ['a Gen1 type without code', 'c45bbe6b1a2c', consent(null, 'SHPLG-S')],
    ['a BLE device', 'X1234', consent('SBDW-002C')],
  ])('refuses %s', (_case, deviceId, held) => {
    expect(rpcUnsupported(deviceId, held)?.error.code).toBe('rpc_unsupported');
  });

  it.each([
    ['a Gen2 model', consent('SNSW-001P16EU')],
    ['a Gen3 model', consent('S3SW-001X16EU')],
    ['a device of unknown model', consent(null)],
  ])('lets %s through', (_case, held) => {
    expect(rpcUnsupported('a8032abb995c', held)).toBeUndefined();
  });
});
