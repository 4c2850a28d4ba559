import { Module } from '@nestjs/common';
import { CloudControlClient } from './cloud-control.client';

/** Shelly's Cloud Control HTTP API for linked accounts: one client, one request queue per account. */
@Module({ providers: [CloudControlClient], exports: [CloudControlClient] })
export class CloudControlModule {}
