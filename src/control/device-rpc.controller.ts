import {
  Body,
  Catch,
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../partners';
import { DomainError } from '../common';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import {
  answerCommand,
  ApiIdempotent,
  arrival,
  CommandAttemptFilter,
  CommandHttpRequest,
  CommandHttpResponse,
  idempotencyErrors,
} from './device-commands.controller';
import type { RequestKind } from './device-request';
import { deviceIdParam } from './devices.controller';
import { ForwardToHolder } from './forward-to-holder';
import { IdempotentCommands } from './idempotent-commands';
import { SendDeviceCommand } from './send-device-command';
import { TraceDeviceRequests } from './trace-device-requests';

/** Audits RPC calls of a key without the `control` scope, as `CommandAttemptFilter` does commands. */
@Catch(DomainError)
export class RpcAttemptFilter extends CommandAttemptFilter {
  protected override readonly kind: RequestKind = 'rpc';
}

@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('control')
@UseInterceptors(TraceDeviceRequests)
@UseFilters(RpcAttemptFilter)
export class DeviceRpcController {
  constructor(
    private readonly commands: SendDeviceCommand,
    private readonly idempotentCommands: IdempotentCommands,
    private readonly holder: ForwardToHolder,
  ) {}

  @Post(':id/rpc')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'callDeviceRpc',
    summary: "Call a Gen2+ device's own RPC method and wait for its result",
    description:
      'Relayed as `Shelly:JrpcRequest`, with the checks, rate limits, audit and `Idempotency-Key` of ' +
      'commands, in the same order. A read-only consent allows the read methods (`*.GetStatus`, ' +
      '`*.GetConfig`, `*.List*`, `Shelly.GetDeviceInfo`); a consent with control adds the set methods ' +
      'of `CONTROL_RPC_SET_METHODS` (403 `consent_read_only` without it); any other method is refused ' +
      'with 403 `rpc_method_not_allowed` and never reaches Shelly. A Gen1 or BLE device answers 422 ' +
      "`rpc_unsupported`. Shelly's `WRONG_ID` or `UNAUTHORIZED` and an `Error` frame answer 502 " +
      '`device_refused` with the word as `reason`; an RPC error object of the device answers 502 ' +
      '`rpc_error` with its `rpcCode` and message as `reason`.',
  })
  @ApiParam(deviceIdParam)
  @ApiBody({ schema: schemaRef('RpcCall') })
  @ApiIdempotent({
    description: 'The device answered the method with a result.',
    schema: 'RpcResult',
  })
  @ApiErrors(
    {},
    ...bodyErrors,
    'device_not_found',
    'consent_read_only',
    'rpc_method_not_allowed',
    'rpc_unsupported',
    'device_offline',
    'rate_limited',
    'device_refused',
    'rpc_error',
    'host_session_down',
    'control_unavailable',
    'command_timeout',
    ...idempotencyErrors,
  )
  async call(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: CommandHttpRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: CommandHttpResponse,
  ): Promise<unknown> {
    return answerCommand(
      { commands: this.commands, idempotentCommands: this.idempotentCommands, holder: this.holder },
      request,
      { kind: 'rpc', deviceId: id, body, key: request.apiKey!, receivedAt: arrival(request) },
      idempotencyKey,
      response,
    );
  }
}
