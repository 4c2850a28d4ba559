import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { Command, Option } from 'commander';
import {
  normalizeParsedFrame,
  type NormalizeResult,
  parseFrame,
  type ShellyApi,
} from '../normalize';
import { readResponse, type ShellyResponse } from '../shelly';

interface NormalizeOptions {
  host: string;
  api: ShellyApi;
  account?: string;
  raw: boolean;
}

export function registerNormalizeCommand(program: Command): void {
  program
    .command('normalize')
    .description(
      'read Shelly WebSocket frames, one per line, from stdin and write one JSON line per frame: ' +
        'the events the service would publish, or why it would not',
    )
    .option('--host <name>', 'Shelly cloud host to name as the source of the frames', 'cli')
    .addOption(
      new Option('--api <kind>', 'channel the frames came on')
        .choices(['integrator', 'rte'])
        .default('integrator'),
    )
    .addOption(
      new Option(
        '--account <id>',
        'Shelly user id of the linked account whose RTE socket read the frames',
      ).implies({ api: 'rte' }),
    )
    .option('--raw', 'include the raw status object in status events', false)
    .action(async (options: NormalizeOptions, command: Command) => {
      if (options.account !== undefined && options.api !== 'rte') {
        command.error("error: --account names an RTE socket's account; it needs --api rte");
      }
      await normalizeLines(process.stdin, process.stdout, options);
    });
}

/**
 * Reads whole chunks and answers each with one write, so large captures stream at parse speed; waits
 * for the output to drain before reading on. Blank lines carry no frame and get no answer.
 */
async function normalizeLines(
  input: Readable,
  output: Writable,
  options: NormalizeOptions,
): Promise<void> {
  let outputError: NodeJS.ErrnoException | undefined;
  output.on('error', (error: NodeJS.ErrnoException) => {
    outputError ??= error;
    input.destroy();
  });
  try {
    await answerChunks(input, output, options);
  } catch (error) {
    if (outputError === undefined) throw error;
  }
  // A reader that stopped early (`| head`) is not a failure of this command.
  if (outputError !== undefined && outputError.code !== 'EPIPE') throw outputError;
}

async function answerChunks(
  input: Readable,
  output: Writable,
  options: NormalizeOptions,
): Promise<void> {
  input.setEncoding('utf8');
  let partial = '';
  for await (const chunk of input as AsyncIterable<string>) {
    let newline = chunk.indexOf('\n');
    if (newline < 0) {
      partial += chunk;
      continue;
    }
    let answers = answer(partial + chunk.slice(0, newline), options);
    let lineStart = newline + 1;
    newline = chunk.indexOf('\n', lineStart);
    while (newline >= 0) {
      answers += answer(chunk.slice(lineStart, newline), options);
      lineStart = newline + 1;
      newline = chunk.indexOf('\n', lineStart);
    }
    partial = chunk.slice(lineStart);
    if (!output.write(answers)) await once(output, 'drain');
  }
  output.write(answer(partial, options));
}

function answer(line: string, options: NormalizeOptions): string {
  if (line.trim() === '') return '';
  const parsed = parseFrame(line);
  const response = parsed.kind === 'parsed' ? readResponse(parsed) : undefined;
  const result =
    response ??
    normalizeParsedFrame(parsed, {
      host: options.host,
      api: options.api,
      account: options.account,
      receivedAt: new Date(),
      newEventId: randomUUID,
      includeRawStatus: options.raw,
    });
  return `${JSON.stringify(answerOf(result))}\n`;
}

/**
 * The accounting outcome of one frame: published events (`ok: true`), a response handed to the command
 * correlator (`ok: true`, no events, `response`), or no event with the reason and whether the frame
 * would be dropped by policy or written to the dead-letter topic.
 */
function answerOf(result: NormalizeResult | ShellyResponse): object {
  switch (result.kind) {
    case 'events':
      return { ok: true, events: result.events };
    case 'command-response':
    case 'jrpc-response':
    case 'error-frame':
    case 'action-response':
      return { ok: true, events: [], response: result };
    case 'dropped':
      return { ok: false, reason: result.reason, detail: result.detail, outcome: 'dropped' };
    case 'rejected':
      return { ok: false, reason: result.reason, detail: result.detail, outcome: 'dead_letter' };
  }
}
