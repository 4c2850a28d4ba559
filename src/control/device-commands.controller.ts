import {
  ArgumentsHost,
  Body,
  Catch,
  Controller,
  HttpCode,
  Param,
  Post,
  Req,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Logger } from 'pino';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { DomainError, HttpErrorFilter } from '../common';
import { InjectRootLogger } from '../observability';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import { deviceIdParam } from './devices.controller';
import { CommandSuccess, SendDeviceCommand } from './send-device-command';

export interface CommandHttpRequest extends AuthenticatedRequest {
  params: Record<string, string | undefined>;
  body: unknown;
  /** `performance.now()` when the request arrived; set by `stampArrival`. */
  arrivedAt?: number;
}

/** Notes when a command request arrived, before the guards run, for latency and the audit. */
export function stampArrival(
  request: CommandHttpRequest,
  _response: unknown,
  next: () => void,
): void {
  request.arrivedAt = performance.now();
  next();
}

/**
 * The API-key guard answers 401/403 before the controller runs; this filter audits those attempts
 * too, then answers like every other error.
 */
@Catch(DomainError)
export class CommandAttemptFilter extends HttpErrorFilter {
  constructor(
    private readonly commands: SendDeviceCommand,
    @InjectRootLogger() logger: Logger,
  ) {
    super(logger);
  }

  override catch(error: DomainError, host: ArgumentsHost): void {
    if (error.code.startsWith('api_key_')) {
      const request = host.switchToHttp().getRequest<CommandHttpRequest>();
      this.commands.recordRejected({
        deviceId: request.params.id ?? '',
        body: request.body,
        keyId: request.apiKey?.id ?? null,
        partnerId: request.apiKey?.partnerId ?? null,
        code: error.code,
        receivedAt: request.arrivedAt ?? performance.now(),
      });
    }
    super.catch(error, host);
  }
}

@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('control')
@UseFilters(CommandAttemptFilter)
export class DeviceCommandsController {
  constructor(private readonly commands: SendDeviceCommand) {}

  @Post(':id/commands')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'sendDeviceCommand',
    summary: 'Send a command to a device and wait for its answer',
    description:
      'Checked in this order: API key (401), `control` scope (403), rate limit of the key (429), ' +
      'body (400), consent (404), consent scope `control` (403 `consent_read_only`), session to the ' +
      "device's Shelly host (503), device online (409), rate limit of the device (429). Then the " +
      'command goes to Shelly and the answer waits for the device: 200, 502 `device_refused` with ' +
      "Shelly's reason, or 504 `command_timeout` (the command may still have run). Every attempt is " +
      'audited.',
  })
  @ApiParam(deviceIdParam)
  @ApiBody({ schema: schemaRef('DeviceCommand') })
  @ApiOkResponse({
    description: 'The device carried out the command.',
    schema: schemaRef('CommandResult'),
  })
  @ApiErrors(
    {},
    ...bodyErrors,
    'device_not_found',
    'consent_read_only',
    'device_offline',
    'rate_limited',
    'device_refused',
    'host_session_down',
    'control_unavailable',
    'command_timeout',
  )
  send(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: CommandHttpRequest,
  ): Promise<CommandSuccess> {
    return this.commands.execute({
      deviceId: id,
      body,
      key: request.apiKey!,
      receivedAt: request.arrivedAt ?? performance.now(),
    });
  }
}
