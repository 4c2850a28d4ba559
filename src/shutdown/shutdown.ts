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
 * Whether the service is shutting down, and by when it must be gone. On a signal it first drains
 * (`drain()`): it reports not ready and hands its sessions over while it still answers requests, for
 * SHUTDOWN_DRAIN_MS, the time a load balancer takes to stop sending it any. Then shutdown proper
 * (`begin()`, also the first step of `app.close()`) refuses requests before any module lets go of its
 * connections.
 */
@Injectable()
export class ShutdownState {
  private startedAt?: number;
  private draining?: Promise<void>;
  private readonly drainListeners = new Set<() => Promise<void> | void>();

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** Draining or shutting down: not ready for new work. */
  get isLeaving(): boolean {
    return this.draining !== undefined || this.isShuttingDown;
  }

  get isShuttingDown(): boolean {
    return this.startedAt !== undefined;
  }

  /** Called once when draining begins, for what must leave while requests are still answered. */
  onDrain(listener: () => Promise<void> | void): void {
    this.drainListeners.add(listener);
  }

  /** Resolves after SHUTDOWN_DRAIN_MS, and once every drain listener is done. */
  drain(): Promise<void> {
    this.draining ??= Promise.all([
      new Promise((done) => setTimeout(done, this.config.shutdownDrainMs)),
      ...[...this.drainListeners].map((listener) => listener()),
    ]).then(() => undefined);
    return this.draining;
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
