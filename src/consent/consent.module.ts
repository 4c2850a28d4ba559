import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { PublishModule } from '../publish';
import { ConsentCallbackController } from './consent-callback.controller';
import { ConsentCache } from './consent-cache';
import { ConsentListener } from './consent-listener';
import { ConsentSessionKeys } from './consent-session-keys';
import { ConsentStore } from './consent.store';
import { ConsentTokenPurge } from './consent-token-purge';
import { ConsentsController } from './consents.controller';
import { HandleConsentCallback } from './handle-consent-callback';
import { RecordUpstreamChange } from './record-upstream-change';
import { SclTrustVerifier } from './scl-trust.verifier';

@Module({
  imports: [PublishModule],
  controllers: [ConsentsController],
  providers: [
    {
      provide: SclTrustVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new SclTrustVerifier({
          publicKey: config.consent.publicKey,
          integratorTag: config.shelly.integratorTag,
          clockSkewSeconds: config.consent.clockSkewSeconds,
          maxTokenAgeSeconds: config.consent.maxTokenAgeSeconds,
        }),
    },
    ConsentStore,
    ConsentCache,
    ConsentListener,
    ConsentTokenPurge,
    ConsentSessionKeys,
    HandleConsentCallback,
    RecordUpstreamChange,
  ],
  exports: [
    ConsentCache,
    ConsentSessionKeys,
    ConsentStore,
    HandleConsentCallback,
    RecordUpstreamChange,
  ],
})
export class ConsentModule {}

/** Holds only the callback route, so that its path can be mounted where CONSENT_CALLBACK_PATH says. */
@Module({ imports: [ConsentModule], controllers: [ConsentCallbackController] })
export class ConsentCallbackModule {}
