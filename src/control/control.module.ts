import {
  MiddlewareConsumer,
  Module,
  NestModule,
  OnModuleDestroy,
  RequestMethod,
} from '@nestjs/common';
import { AccountSessionsModule } from '../account-sessions';
import { AccountsModule } from '../accounts';
import { CloudControlModule } from '../cloud-control';
import { sleep } from '../common';
import { ConsentModule } from '../consent';
import { LeasesModule } from '../leases';
import { DeviceStateModule } from '../device-state';
import { PublishModule } from '../publish';
import { CommandAttempts } from './command-attempts';
import { CommandAuditReader } from './command-audit.reader';
import { CommandAuditWriter } from './command-audit.writer';
import { CommandIdempotencyStore } from './command-idempotency.store';
import { DeviceDirectory } from './device-directory';
import {
  CommandAttemptFilter,
  DeviceCommandsController,
  stampArrival,
} from './device-commands.controller';
import { DeviceCloudController } from './device-cloud.controller';
import { DeviceRpcController, RpcAttemptFilter } from './device-rpc.controller';
import { DevicesController } from './devices.controller';
import { ForwardToHolder } from './forward-to-holder';
import { GetDeviceSettings } from './get-device-settings';
import { IdempotentCommands } from './idempotent-commands';
import { SendDeviceCommand } from './send-device-command';
import { UnsubscribeDevice } from './unsubscribe-device';

/** How often shutdown looks whether the commands in flight have their answers. */
const DRAIN_POLL_MS = 20;

/** The control API: consented devices and commands and RPC calls to them, gated by consent, audited. */
@Module({
  imports: [
    AccountsModule,
    AccountSessionsModule,
    CloudControlModule,
    ConsentModule,
    DeviceStateModule,
    LeasesModule,
    PublishModule,
  ],
  controllers: [
    DevicesController,
    DeviceCommandsController,
    DeviceRpcController,
    DeviceCloudController,
  ],
  providers: [
    DeviceDirectory,
    SendDeviceCommand,
    CommandAttempts,
    CommandAuditWriter,
    CommandAuditReader,
    CommandAttemptFilter,
    RpcAttemptFilter,
    IdempotentCommands,
    CommandIdempotencyStore,
    GetDeviceSettings,
    ForwardToHolder,
    UnsubscribeDevice,
  ],
})
export class ControlModule implements NestModule, OnModuleDestroy {
  constructor(
    private readonly commands: SendDeviceCommand,
    private readonly audit: CommandAuditWriter,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(stampArrival)
      .forRoutes(
        { path: 'v1/devices/:id/commands', method: RequestMethod.POST },
        { path: 'v1/devices/:id/rpc', method: RequestMethod.POST },
      );
  }

  /**
   * Runs before the sessions close (the Shelly module is global, so it goes last) and before the
   * database closes (this module depends on it). New requests are already refused; commands in flight
   * get their answer or time out, then every audit record is written.
   */
  async onModuleDestroy(): Promise<void> {
    while (this.commands.inFlight > 0) await sleep(DRAIN_POLL_MS);
    await this.audit.close();
  }
}
