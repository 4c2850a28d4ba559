import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, bodyErrors, schemaRef } from '../openapi';
import { HandleConsentCallback } from './handle-consent-callback';

/** Path set at start from CONSENT_CALLBACK_PATH (see ConsentModule). */
@ApiTags('shelly')
@Controller()
export class ConsentCallbackController {
  constructor(private readonly handleCallback: HandleConsentCallback) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveConsentCallback',
    summary: "Shelly's consent callback",
    description:
      'Called by Shelly when a user shares a device with the integrator or stops sharing it. ' +
      'Answers 200 only once the change is durably stored.',
  })
  @ApiHeader({
    name: 'SCL-Trust',
    required: true,
    description: "Shelly's ES384 JWT for this device (`itg`, `did`, `exp`).",
    schema: { type: 'string' },
  })
  @ApiBody({ schema: schemaRef('ConsentCallback') })
  @ApiOkResponse({ description: 'The change applied.', schema: schemaRef('ConsentChange') })
  @ApiErrors(
    { auth: false },
    ...bodyErrors,
    'trust_header_missing',
    'trust_token_invalid',
    'trust_token_expired',
    'trust_wrong_integrator',
    'trust_device_mismatch',
    'host_not_allowed',
  )
  async receive(
    @Headers('scl-trust') trustHeader: string | undefined,
    @Body() body: unknown,
  ): Promise<{ status: 'ok'; change: string }> {
    const applied = await this.handleCallback.execute(trustHeader, body);
    return { status: 'ok', change: applied.change };
  }
}
