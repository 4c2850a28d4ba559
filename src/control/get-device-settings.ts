import { Injectable } from '@nestjs/common';
import { DomainError } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { isJsonObject, type JsonObject } from '../normalize';
import { IntegratorActions } from '../shelly';
import { DeviceDirectory, Viewer } from './device-directory';

export interface DeviceSettings {
  device: string;
  type: string | null;
  code: string | null;
  settings: JsonObject;
}

/**
 * A device's settings, asked of the cloud with `DeviceGetSettings` on the session of the device's
 * host. The cloud answers them only while the device is online (protocol 2.7).
 */
@Injectable()
export class GetDeviceSettings {
  private readonly timeoutMs: number;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly actions: IntegratorActions,
    @InjectConfig() config: AppConfig,
  ) {
    this.timeoutMs = config.control.commandTimeoutMs;
  }

  async execute(id: string, viewer: Viewer): Promise<DeviceSettings> {
    const deviceId = this.directory.readDeviceId(id, viewer);
    const consent = deviceId === undefined ? undefined : this.directory.consent(deviceId, viewer);
    if (!deviceId || !consent) {
      throw new DomainError('device_not_found', `no consent is held for device ${id.slice(0, 64)}`);
    }
    const pending = this.actions.request(
      consent.host,
      'DeviceGetSettings',
      deviceId,
      this.timeoutMs,
    );
    if (!pending) {
      throw new DomainError(
        'host_session_down',
        `no session to ${consent.host}, the Shelly cloud host of device ${deviceId}, is up`,
      );
    }
    const result = await pending;
    if (result.kind === 'timeout') {
      throw new DomainError('command_timeout', `no answer from Shelly within ${this.timeoutMs} ms`);
    }
    const { response } = result;
    if (response.result !== 'OK') {
      throw new DomainError('device_refused', `Shelly answered ${response.result.slice(0, 64)}`, {
        reason: response.result.slice(0, 64),
      });
    }
    if (!isJsonObject(response.deviceSettings)) {
      throw new DomainError('device_offline', `Shelly reports device ${deviceId} offline`);
    }
    return {
      device: deviceId,
      type: response.deviceType ?? null,
      code: response.deviceCode ?? null,
      settings: response.deviceSettings,
    };
  }
}
