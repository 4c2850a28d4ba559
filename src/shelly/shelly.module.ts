import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { ActionCorrelator } from './action-correlator';
import { CommandCorrelator } from './command-correlator';
import { CommandDispatcher } from './command-dispatcher';
import { InboundFrames } from './inbound-frames';
import { IntegratorActions } from './integrator-actions';
import { IntegratorTokenClient } from './integrator-token.client';
import { IntegratorUnsubscribeClient } from './integrator-unsubscribe.client';
import { FramePort, SessionKeySource } from './ports';
import { SessionManager } from './session-manager';
import { SessionsHealth } from './sessions.health';

export interface ShellyPorts {
  /** The modules that provide the implementations below. */
  imports: NonNullable<ModuleMetadata['imports']>;
  frames: Type<FramePort>;
  sessionKeys: Type<SessionKeySource>;
}

/**
 * The Shelly cloud protocol: integrator token, sessions, keep-alive, command and action correlation,
 * `unsubscribe_device` and the frames that go out. Registered once at the root, which names the implementation of each port;
 * global, so that the control API finds the command dispatcher, and so that its sessions close after
 * every module that sends on them.
 */
@Module({})
export class ShellyModule {
  static forRoot(ports: ShellyPorts): DynamicModule {
    return {
      module: ShellyModule,
      global: true,
      imports: [AccountsModule, ...ports.imports],
      providers: [
        { provide: FramePort, useExisting: ports.frames },
        { provide: SessionKeySource, useExisting: ports.sessionKeys },
        IntegratorTokenClient,
        InboundFrames,
        SessionManager,
        CommandCorrelator,
        CommandDispatcher,
        ActionCorrelator,
        IntegratorActions,
        IntegratorUnsubscribeClient,
        SessionsHealth,
      ],
      exports: [CommandDispatcher, IntegratorActions, IntegratorUnsubscribeClient, SessionsHealth],
    };
  }
}
