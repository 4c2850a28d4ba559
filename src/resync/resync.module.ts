import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent';
import { IngestModule } from '../ingest';
import { DeviceResync } from './device-resync';

/** After each session open and each grant: `DeviceVerify` for the host's consented devices. */
@Module({ imports: [ConsentModule, IngestModule], providers: [DeviceResync] })
export class ResyncModule {}
