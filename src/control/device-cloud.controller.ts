import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { deviceIdParam } from './devices.controller';
import type { CommandHttpResponse } from './device-commands.controller';
import { answerForwarded, type ForwardableRequest, ForwardToHolder } from './forward-to-holder';
import { GetDeviceSettings } from './get-device-settings';
import { TraceDeviceRequests } from './trace-device-requests';
import { DeviceUnsubscribed, UnsubscribeDevice } from './unsubscribe-device';

/**
 * What partner systems ask of Shelly's cloud about one device beyond commands: its settings, and the
 * end of its consent. A partner's key reaches its own partner's devices only; any other answers 404.
 */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
export class DeviceCloudController {
  constructor(
    private readonly settings: GetDeviceSettings,
    private readonly unsubscribe: UnsubscribeDevice,
    private readonly holder: ForwardToHolder,
  ) {}

  @Get(':id/settings')
  @RequireScope('read')
  @UseInterceptors(TraceDeviceRequests)
  @ApiOperation({
    operationId: 'getDeviceSettings',
    summary: "A device's settings, asked of Shelly's cloud (`DeviceGetSettings`)",
    description:
      "The cloud answers only while the device is online: 409 `device_offline` otherwise; 502 `device_refused` with Shelly's result when it refuses.",
  })
  @ApiParam(deviceIdParam)
  @ApiOkResponse({
    description: 'The settings, as Shelly sent them.',
    schema: schemaRef('DeviceSettings'),
  })
  @ApiErrors(
    {},
    'device_not_found',
    'device_offline',
    'device_refused',
    'host_session_down',
    'command_timeout',
  )
  async getSettings(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest & ForwardableRequest,
    @Res({ passthrough: true }) response: CommandHttpResponse,
  ): Promise<unknown> {
    const viewer = request.apiKey!.partnerId;
    const forwarded = await this.holder.forward(request, id, viewer);
    if (forwarded) return answerForwarded(forwarded, response);
    return this.settings.execute(id, viewer);
  }

  @Delete(':id/consent')
  @HttpCode(200)
  @RequireScope('control')
  @ApiOperation({
    operationId: 'unsubscribeDevice',
    summary: "End a device's consent: Shelly's `unsubscribe_device`, then revoked here",
    description:
      "Shelly stops sharing the device with the integrator and sends no callback; the consent is revoked here with its `consent.revoked.v1` event and a history entry naming the API key. Shelly requires the integrator to tell the device's owner: the answer's `notice` says so. 502 `device_refused` or `shelly_unreachable` when Shelly did not do it (nothing changes here).",
  })
  @ApiParam(deviceIdParam)
  @ApiOkResponse({
    description: 'Unsubscribed and revoked.',
    schema: schemaRef('DeviceUnsubscribed'),
  })
  @ApiErrors({}, 'device_not_found', 'device_refused', 'shelly_unreachable')
  unsubscribeDevice(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<DeviceUnsubscribed> {
    return this.unsubscribe.execute(id, request.apiKey!);
  }
}
