import {
  applyDecorators,
  ArgumentsHost,
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
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Logger } from 'pino';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { DomainError, HttpErrorFilter } from '../common';
import { InjectRootLogger } from '../observability';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import type { RequestKind } from './device-request';
import { deviceIdParam } from './devices.controller';
import { answerForwarded, type ForwardableRequest, ForwardToHolder } from './forward-to-holder';
import { IdempotentCommands } from './idempotent-commands';
import { CommandRequest, SendDeviceCommand, unauditable } from './send-device-command';
import { TraceDeviceRequests } from './trace-device-requests';

export const idempotencyErrors = [
  'invalid_idempotency_key',
  'idempotency_key_in_progress',
  'idempotency_key_reused',
] as const;

/** The documentation of a request that takes an `Idempotency-Key`, and of its answer. */
export function ApiIdempotent(ok: { description: string; schema: string }): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes retries safe: 1 to 255 printable ASCII characters, unique per request of this API key, ' +
        'kept 24 h. Answers that came before the request was sent to Shelly are not kept, so a retry ' +
        'sends.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    }),
    ApiOkResponse({
      description: ok.description,
      schema: schemaRef(ok.schema),
      headers: {
        'Idempotent-Replayed': {
          description:
            '`true` when this is the kept answer to an earlier request with the same key.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
    }),
  );
}

export interface CommandHttpRequest extends AuthenticatedRequest, ForwardableRequest {
  params: Record<string, string | undefined>;
  /** `performance.now()` when the request arrived; set by `stampArrival`. */
  arrivedAt?: number;
}

export interface CommandHttpResponse {
  setHeader(name: string, value: string): void;
  status(code: number): void;
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
 * The API-key guard answers before the controller runs; this filter audits the attempts of a valid
 * key that lacks the `control` scope too (a caller without a valid key gets nothing written: the
 * guard counts it), then answers like every other error. While the audit trail cannot take more
 * records, such an attempt is answered 503 `control_unavailable` instead of being recorded.
 */
@Catch(DomainError)
export class CommandAttemptFilter extends HttpErrorFilter {
  protected readonly kind: RequestKind = 'command';

  constructor(
    private readonly commands: SendDeviceCommand,
    @InjectRootLogger() logger: Logger,
  ) {
    super(logger);
  }

  override catch(error: DomainError, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<CommandHttpRequest>();
    const key = request.apiKey;
    if (error.code !== 'api_key_scope_missing' || !key) {
      super.catch(error, host);
      return;
    }
    if (!this.commands.recording) {
      super.catch(unauditable(), host);
      return;
    }
    this.commands.recordRejected({
      kind: this.kind,
      deviceId: request.params.id ?? '',
      body: request.body,
      key,
      code: error.code,
      receivedAt: arrival(request),
    });
    super.catch(error, host);
  }
}

@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('control')
@UseInterceptors(TraceDeviceRequests)
@UseFilters(CommandAttemptFilter)
export class DeviceCommandsController {
  constructor(
    private readonly commands: SendDeviceCommand,
    private readonly idempotentCommands: IdempotentCommands,
    private readonly holder: ForwardToHolder,
  ) {}

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
      'audited. With an `Idempotency-Key`, a retry of the same request within 24 h gets the first ' +
      'answer again (200, 409 `device_offline` from Shelly, 502, 504) with `Idempotent-Replayed: true` ' +
      'and nothing is sent; 409 `idempotency_key_in_progress` while the first still runs, 422 ' +
      '`idempotency_key_reused` for another device or command.',
  })
  @ApiParam(deviceIdParam)
  @ApiBody({ schema: schemaRef('DeviceCommand') })
  @ApiIdempotent({ description: 'The device carried out the command.', schema: 'CommandResult' })
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
    ...idempotencyErrors,
  )
  async send(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: CommandHttpRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: CommandHttpResponse,
  ): Promise<unknown> {
    return answerCommand(
      { commands: this.commands, idempotentCommands: this.idempotentCommands, holder: this.holder },
      request,
      { kind: 'command', deviceId: id, body, key: request.apiKey!, receivedAt: arrival(request) },
      idempotencyKey,
      response,
    );
  }
}

export function arrival(request: CommandHttpRequest): number {
  return request.arrivedAt ?? performance.now();
}

export interface CommandRunners {
  commands: SendDeviceCommand;
  idempotentCommands: IdempotentCommands;
  holder: ForwardToHolder;
}

/**
 * Runs a command or RPC call, through its Idempotency-Key when it has one, or passes it on to the
 * replica that holds the session to the device's host.
 */
export async function answerCommand(
  runners: CommandRunners,
  request: CommandHttpRequest,
  command: CommandRequest,
  idempotencyKey: string | undefined,
  response: CommandHttpResponse,
): Promise<unknown> {
  const forwarded = await runners.holder.forward(
    request,
    command.deviceId,
    command.key.partnerId,
    () => runners.commands.takeCallerLimits(command),
  );
  if (forwarded) return answerForwarded(forwarded, response);
  const here = { ...command, passedOn: runners.holder.isPassedOn(request) };
  if (idempotencyKey === undefined) return runners.commands.execute(here);
  const answer = await runners.idempotentCommands.execute(here, idempotencyKey);
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  response.status(answer.status);
  return answer.body;
}
