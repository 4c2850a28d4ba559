import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireScope } from '../api-keys';
import { DomainError, parseBody, toHexDeviceId } from '../common';
import { ApiErrors, ApiKeyAuth, schemaRef } from '../openapi';
import { DeviceDirectory, DevicePage, DeviceView } from './device-directory';

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(64).optional(),
  scope: z.enum(['read', 'control']).optional(),
  host: z.string().max(253).optional(),
});

export const deviceIdParam = {
  name: 'id',
  description: 'Device id, lowercase hex or the cloud’s decimal form.',
  example: 'cc7b5c0c5d9c',
  schema: { type: 'string' as const, maxLength: 64 },
};

/** Consented devices with their consent and last known state, for partner systems. */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScope('read')
export class DevicesController {
  constructor(private readonly directory: DeviceDirectory) {}

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
  list(@Query() query: unknown): DevicePage {
    const { limit, after, scope, host } = parseBody(listQuery, query);
    return this.directory.list({
      limit,
      after: after === undefined ? undefined : (toHexDeviceId(after) ?? after),
      scope,
      host: host?.toLowerCase(),
    });
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDevice', summary: 'One consented device' })
  @ApiParam(deviceIdParam)
  @ApiOkResponse({ description: 'The device.', schema: schemaRef('Device') })
  @ApiErrors({}, 'device_not_found')
  show(@Param('id') id: string): DeviceView {
    const deviceId = toHexDeviceId(id);
    const device = deviceId === undefined ? undefined : this.directory.get(deviceId);
    if (!device) {
      throw new DomainError('device_not_found', `no consent is held for device ${id.slice(0, 64)}`);
    }
    return device;
  }
}
