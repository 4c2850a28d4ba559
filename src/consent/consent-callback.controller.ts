import { applyDecorators, Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { ErrorCode } from '../common';
import { ApiErrors, bodyErrors, schemaRef } from '../openapi';
import { Public } from '../partners';
import { HandleConsentCallback } from './handle-consent-callback';

/** Path set at start from CONSENT_CALLBACK_PATH (see ConsentModule). */
@ApiTags('shelly')
@Controller()
@Public()
export class ConsentCallbackController {
  constructor(private readonly handleCallback: HandleConsentCallback) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveConsentCallback',
    summary: "Shelly's consent callback, for the default partner",
    description:
      'Called by Shelly when a user shares a device with the integrator or stops sharing it, through ' +
      'a consent link made before partners existed. Answers 200 only once the change is durably stored.',
  })
  @CallbackDocs()
  async receive(
    @Headers('scl-trust') trustHeader: string | undefined,
    @Body() body: unknown,
  ): Promise<{ status: 'ok'; change: string }> {
    const applied = await this.handleCallback.execute(trustHeader, body);
    return { status: 'ok', change: applied.change };
  }

  @Post('partners/:partnerId/:signature')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receivePartnerConsentCallback',
    summary: "Shelly's consent callback, through a partner's consent link",
    description:
      'The callback URL of a consent link made by `POST /v1/partners/{id}/consent-links`: the ' +
      'change belongs to that partner. A path the service did not sign is refused (403 ' +
      '`consent_link_invalid`) and stores nothing. Answers 200 only once the change is durably stored.',
  })
  @ApiParam({ name: 'partnerId', schema: { type: 'string' } })
  @ApiParam({ name: 'signature', description: "The service's signature of the partner id." })
  @CallbackDocs('consent_link_invalid')
  async receiveForPartner(
    @Param('partnerId') partnerId: string,
    @Param('signature') signature: string,
    @Headers('scl-trust') trustHeader: string | undefined,
    @Body() body: unknown,
  ): Promise<{ status: 'ok'; change: string }> {
    const applied = await this.handleCallback.execute(trustHeader, body, { partnerId, signature });
    return { status: 'ok', change: applied.change };
  }
}

function CallbackDocs(...moreErrors: ErrorCode[]) {
  return applyDecorators(
    ApiHeader({
      name: 'SCL-Trust',
      required: true,
      description: "Shelly's ES384 JWT for this device (`itg`, `did`, `exp`).",
      schema: { type: 'string' },
    }),
    ApiBody({ schema: schemaRef('ConsentCallback') }),
    ApiOkResponse({ description: 'The change applied.', schema: schemaRef('ConsentChange') }),
    ApiErrors(
      { auth: false },
      ...bodyErrors,
      ...moreErrors,
      'trust_header_missing',
      'trust_token_invalid',
      'trust_token_expired',
      'trust_wrong_integrator',
      'trust_device_mismatch',
      'trust_token_reused',
      'trust_token_superseded',
      'host_not_allowed',
      'rate_limited',
      'database_unavailable',
    ),
  );
}
