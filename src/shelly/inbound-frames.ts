import { Injectable } from '@nestjs/common';
import { parseFrame } from '../normalize';
import { Metrics } from '../observability';
import { ActionCorrelator } from './action-correlator';
import { CommandCorrelator } from './command-correlator';
import { type FrameOrigin, FramePort } from './ports';
import { readResponse } from './responses';

const responseLabels = {
  'command-response': 'command_response',
  'jrpc-response': 'jrpc_response',
  'error-frame': 'error_frame',
  'action-response': 'action_response',
} as const;

/**
 * Every frame a session reads: an answer to the service's own requests settles here; everything else,
 * readable or not, goes on to the frame port, parsed once.
 */
@Injectable()
export class InboundFrames {
  constructor(
    private readonly port: FramePort,
    private readonly correlator: CommandCorrelator,
    private readonly actions: ActionCorrelator,
    private readonly metrics: Metrics,
  ) {}

  accept(origin: FrameOrigin, text: string): void {
    const parsed = parseFrame(text);
    const response = parsed.kind === 'parsed' ? readResponse(parsed) : undefined;
    if (response === undefined || response.kind === 'rejected') {
      this.port.accept(origin, text, response ?? parsed);
      return;
    }
    const key = origin.key;
    this.metrics.framesReceived.inc({ host: origin.host, event: responseLabels[response.kind] });
    this.metrics.responsesReceived.inc({ kind: response.kind });
    if (response.kind === 'action-response') this.actions.settle(key, response);
    else this.correlator.settle(key, response);
  }
}
