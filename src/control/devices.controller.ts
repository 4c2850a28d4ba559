import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedRequest, RequireScope } from '../partners';
import { DomainError, hexReading, parseBody } from '../common';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { AuditPage, CommandAuditReader } from './command-audit.reader';
import { DeviceDirectory, DevicePage, DeviceView, Viewer } from './device-directory';

const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.uuid().optional(),
});

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(64).optional(),
  scope: z.enum(['read', 'control']).optional(),
  host: z.string().max(253).optional(),
});

export const deviceIdParam = {
  name: 'id',
  description:
    'Device id, hex or the cloud’s decimal form; 6 or 12 digits read as hex unless only the decimal reading is a device the key sees.',
  example: 'cc7b5c0c5d9c',
  schema: { type: 'string' as const, maxLength: 64 },
};

/**
 * Consented devices with their consent, last known state and command audit, for partner systems. A
 * partner's key sees its own partner's devices only; any other answers 404, as an unknown one does.
 */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('read')
export class DevicesController {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly audit: CommandAuditReader,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listDevices',
    summary: 'Consented devices, in id order, a page at a time',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'The `next` of the previous page.',
    schema: { type: 'string', maxLength: 64 },
  })
  @ApiQuery({
    name: 'scope',
    required: false,
    schema: { type: 'string', enum: ['read', 'control'] },
  })
  @ApiQuery({
    name: 'host',
    required: false,
    description: 'Only devices on this Shelly cloud host.',
    schema: { type: 'string', maxLength: 253 },
  })
  @ApiOkResponse({ description: 'One page of devices.', schema: schemaRef('DeviceList') })
  @ApiErrors({}, 'invalid_body')
  list(@Query() query: unknown, @Req() request: AuthenticatedRequest): DevicePage {
    const { limit, after, scope, host } = parseBody(listQuery, query);
    return this.directory.list({
      viewer: request.apiKey!.partnerId,
      limit,
      after: after === undefined ? undefined : (hexReading(after) ?? after),
      scope,
      host: host?.toLowerCase(),
    });
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDevice', summary: 'One consented device' })
  @ApiParam(deviceIdParam)
  @ApiOkResponse({ description: 'The device.', schema: schemaRef('Device') })
  @ApiErrors({}, 'device_not_found')
  show(@Param('id') id: string, @Req() request: AuthenticatedRequest): DeviceView {
    const viewer = request.apiKey!.partnerId;
    return this.directory.get(this.visibleDeviceId(id, viewer), viewer)!;
  }

  @Get(':id/commands')
  @ApiOperation({
    operationId: 'listDeviceCommands',
    summary: "A device's command audit, newest first, a page at a time",
    description:
      "Every command attempt on the device made with the partner's keys (with an admin key: " +
      "everyone's), allowed or denied, with its outcome.",
  })
  @ApiParam(deviceIdParam)
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'The `next` of the previous page.',
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiOkResponse({ description: 'One page of attempts.', schema: schemaRef('CommandAuditList') })
  @ApiErrors({}, 'invalid_body', 'device_not_found')
  commands(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<AuditPage> {
    const viewer = request.apiKey!.partnerId;
    const deviceId = this.visibleDeviceId(id, viewer);
    const { limit, before } = parseBody(auditQuery, query);
    return this.audit.page({ deviceId, partnerId: viewer, limit, before });
  }

  private visibleDeviceId(id: string, viewer: Viewer): string {
    const deviceId = this.directory.readDeviceId(id, viewer);
    if (deviceId === undefined || !this.directory.grant(deviceId, viewer)) {
      throw new DomainError('device_not_found', `no consent is held for device ${id.slice(0, 64)}`);
    }
    return deviceId;
  }
}
