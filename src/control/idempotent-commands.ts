import { Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DomainError } from '../common';
import { InjectRootLogger, Metrics } from '../observability';
import {
  answerToKeep,
  isIdempotencyKey,
  requestFingerprint,
  StoredAnswer,
} from './command-idempotency';
import { Claim, CommandIdempotencyStore } from './command-idempotency.store';
import { parseRequest } from './device-request';
import { CommandAnswer, CommandRequest, SendDeviceCommand } from './send-device-command';

export interface IdempotentAnswer extends StoredAnswer {
  /** The answer is the one kept from the first request with the key; nothing was sent. */
  replayed: boolean;
}

/**
 * Commands with an `Idempotency-Key`: the first request with a key sends the command, and when it
 * went to Shelly its answer is kept for 24 h; a retry of the same request gets that answer again
 * and sends nothing. A replay is not a command attempt: it is not audited (the first request was),
 * only counted. Errors of an attempt are thrown, as `SendDeviceCommand.execute` throws them.
 */
@Injectable()
export class IdempotentCommands {
  private readonly log: Logger;

  constructor(
    private readonly commands: SendDeviceCommand,
    private readonly store: CommandIdempotencyStore,
    private readonly metrics: Metrics,
    @InjectRootLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'idempotent-commands' });
  }

  async execute(request: CommandRequest, idempotencyKey: string): Promise<IdempotentAnswer> {
    if (!isIdempotencyKey(idempotencyKey)) {
      throw new DomainError(
        'invalid_idempotency_key',
        'Idempotency-Key must be 1 to 255 printable ASCII characters',
      );
    }
    const deviceId = this.commands.deviceIdOf(request);
    const parsed = parseRequest(request.kind, request.body);
    // A request that names no device or holds no valid command is never sent: no key to claim.
    if (deviceId === undefined || !parsed.success) {
      return firstAnswer(await this.commands.answer(request));
    }
    const keyId = request.key.id;
    const claim = await this.claim(
      keyId,
      idempotencyKey,
      requestFingerprint(deviceId, parsed.data),
    );
    switch (claim.kind) {
      case 'answered':
        this.metrics.commandIdempotentReplays.inc();
        return { ...claim.answer, replayed: true };
      case 'in_progress':
        throw new DomainError(
          'idempotency_key_in_progress',
          'a request with this Idempotency-Key is still running; retry in a moment',
          { retryAfterSeconds: 1 },
        );
      case 'other_request':
        throw new DomainError(
          'idempotency_key_reused',
          'this Idempotency-Key was used for another device or command in the last 24 hours',
        );
    }
    const answer = await this.commands.answer(request);
    await this.settle(keyId, idempotencyKey, answer);
    return firstAnswer(answer);
  }

  private async claim(keyId: string, idempotencyKey: string, requestHash: string): Promise<Claim> {
    try {
      return await this.store.claim(keyId, idempotencyKey, requestHash);
    } catch (error) {
      this.log.warn({ err: error }, 'an idempotency key could not be claimed');
      throw new DomainError(
        'control_unavailable',
        'commands with an Idempotency-Key are paused: their keys cannot be checked at the moment',
      );
    }
  }

  /** Keeps the answer of a command that was sent; releases the key of one that was not. */
  private async settle(
    keyId: string,
    idempotencyKey: string,
    answer: CommandAnswer,
  ): Promise<void> {
    const kept = answerToKeep(answer);
    try {
      if (kept) await this.store.complete(keyId, idempotencyKey, kept);
      else await this.store.release(keyId, idempotencyKey);
    } catch (error) {
      // The claim stays: retries with the key get 409 until it expires, and never send twice.
      this.log.warn({ err: error, sent: answer.sent }, 'an idempotency key could not be settled');
    }
  }
}

function firstAnswer(answer: CommandAnswer): IdempotentAnswer {
  if ('error' in answer) throw answer.error;
  return { status: 200, body: answer.success, replayed: false };
}
