import { Global, Module } from '@nestjs/common';
import { Replica } from './replica';
import { Tracing } from './tracing';

/** This replica's identity and its traces, for every module. */
@Global()
@Module({ providers: [Replica, Tracing], exports: [Replica, Tracing] })
export class TracingModule {}
