import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { HandleConsentCallback } from './handle-consent-callback';

/** Path set at start from CONSENT_CALLBACK_PATH (see ConsentModule). */
@Controller()
export class ConsentCallbackController {
  constructor(private readonly handleCallback: HandleConsentCallback) {}

  @Post()
  @HttpCode(200)
  async receive(
    @Headers('scl-trust') trustHeader: string | undefined,
    @Body() body: unknown,
  ): Promise<{ status: 'ok'; change: string }> {
    const applied = await this.handleCallback.execute(trustHeader, body);
    return { status: 'ok', change: applied.change };
  }
}
