import {
  CanActivate,
  ExecutionContext,
  Global,
  Injectable,
  Module,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AppConfig, InjectConfig } from '../config';
import { DomainError } from '../common';

const AVAILABLE_DURING_SHUTDOWN = 'available-during-shutdown';

/** Marks a route (or controller) that keeps answering while the service shuts down: health, metrics. */
export const AvailableDuringShutdown = () => SetMetadata(AVAILABLE_DURING_SHUTDOWN, true);

/**
 * Whether the service is shutting down, and by when it must be gone. Shutdown starts with the signal
 * (or `app.close()`), before any module lets go of its connections.
 */
@Injectable()
export class ShutdownState {
  private startedAt?: number;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get isShuttingDown(): boolean {
    return this.startedAt !== undefined;
  }

  begin(): void {
    this.startedAt ??= Date.now();
  }

  /** Time left of SHUTDOWN_GRACE_MS since shutdown began; the whole grace period before that. */
  remainingMs(): number {
    if (this.startedAt === undefined) return this.config.shutdownGraceMs;
    return Math.max(0, this.startedAt + this.config.shutdownGraceMs - Date.now());
  }
}

/**
 * Once shutdown began, refuses every request but health and metrics with 503 `shutting_down`, so
 * that no consent callback or command starts while the database and sockets are being closed. Runs
 * before the API-key guard, which needs the database.
 */
@Injectable()
export class ShutdownGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly shutdown: ShutdownState,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.shutdown.isShuttingDown) return true;
    const exempt = this.reflector.getAllAndOverride<boolean | undefined>(
      AVAILABLE_DURING_SHUTDOWN,
      [context.getHandler(), context.getClass()],
    );
    if (exempt) return true;
    // Tells keep-alive clients to reconnect, which lands them on another instance.
    context
      .switchToHttp()
      .getResponse<{ setHeader(n: string, v: string): void }>()
      .setHeader('Connection', 'close');
    throw new DomainError(
      'shutting_down',
      'this instance is shutting down; retry, another instance will answer',
    );
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class ShutdownModule {}
