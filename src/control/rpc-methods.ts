import type { Consent, ConsentScope } from '../consent';
import { denied, type Failure } from './command-gate';

/** Methods that only read: what every consent, read-only included, allows. */
const READ_METHOD = /^[a-z][a-z0-9_]*\.(getstatus|getconfig|list[a-z0-9_]*)$/i;
const DEVICE_INFO = 'shelly.getdeviceinfo';

/** Gen1 model codes start with `SH` (SHSW-1, SHPLG-S, ...); Gen2+ codes do not (SNSW-, SPSW-, S3SW-). */
const GEN1_CODE = /^SH/i;

/**
 * Whether a consent allows an RPC method: read methods with any consent, the configured set methods
 * with a consent that grants control, nothing else. Undefined when allowed, else the refusal.
 */
export function rpcMethodRefusal(
  method: string,
  scope: ConsentScope,
  setMethods: readonly string[],
): Failure | undefined {
  if (READ_METHOD.test(method) || method.toLowerCase() === DEVICE_INFO) return undefined;
  const lower = method.toLowerCase();
  if (!setMethods.some((setMethod) => setMethod.toLowerCase() === lower)) {
    return denied(
      'rpc_method_not_allowed',
      `${method} is not relayed: only read methods (*.GetStatus, *.GetConfig, *.List*, Shelly.GetDeviceInfo) and the configured set methods are`,
    );
  }
  if (scope !== 'control') {
    return denied(
      'consent_read_only',
      `the owner shared this device read-only; it takes read methods only, not ${method}`,
    );
  }
  return undefined;
}

/**
 * Only Gen2+ devices have RPC methods. The consent's model code tells a Gen1 device, and BLE devices
 * (`X…` ids) have none; a device of unknown model is tried, and Shelly's answer says.
 */
export function rpcUnsupported(deviceId: string, consent: Consent): Failure | undefined {
  const code = consent.deviceCode ?? consent.deviceType;
  if (deviceId.startsWith('X') || (code !== null && GEN1_CODE.test(code))) {
    return denied(
      'rpc_unsupported',
      `device ${deviceId}${code === null ? '' : ` (${code})`} is not a Gen2+ device; it has no RPC methods`,
    );
  }
  return undefined;
}
