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
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '../partners';
import { DomainError, type ErrorBody } from '../common';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import {
  answerCommand,
  arrival,
  CommandAttemptFilter,
  CommandHttpRequest,
  CommandHttpResponse,
} from './device-commands.controller';
import type { RequestKind } from './device-request';
import { deviceIdParam } from './devices.controller';
import { IdempotentCommands } from './idempotent-commands';
import { CommandSuccess, SendDeviceCommand } from './send-device-command';

/** Audits RPC calls of a key without the `control` scope, as `CommandAttemptFilter` does commands. */
@Catch(DomainError)
export class RpcAttemptFilter extends CommandAttemptFilter {
  protected override readonly kind: RequestKind = 'rpc';
}

@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('control')
@UseFilters(RpcAttemptFilter)
export class DeviceRpcController {
  constructor(
    private readonly commands: SendDeviceCommand,
    private readonly idempotentCommands: IdempotentCommands,
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
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'As for commands: a retry of the same call with the key gets the first answer.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
  })
  @ApiBody({ schema: schemaRef('RpcCall') })
  @ApiOkResponse({
    description: 'The device answered the method with a result.',
    schema: schemaRef('RpcResult'),
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this is the kept answer to an earlier request with the same key.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
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
    'invalid_idempotency_key',
    'idempotency_key_in_progress',
    'idempotency_key_reused',
  )
  async call(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: CommandHttpRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: CommandHttpResponse,
  ): Promise<CommandSuccess | ErrorBody> {
    return answerCommand(
      { commands: this.commands, idempotentCommands: this.idempotentCommands },
      { kind: 'rpc', deviceId: id, body, key: request.apiKey!, receivedAt: arrival(request) },
      idempotencyKey,
      response,
    );
  }
}
