import pino, { DestinationStream, Logger } from 'pino';
import type { LogConfig } from '../config';
import { redactedPaths, secretScrubber } from './redaction';

/**
 * The one pino logger of the process. Lines pass through the secret scrubber before they reach
 * `out`; `pretty` formats them for a terminal in the same synchronous step.
 */
export function createLogger(
  config: LogConfig,
  secrets: readonly string[],
  out: { write(line: string): unknown } = pino.destination({ fd: 1, sync: true }),
): Logger {
  const scrub = secretScrubber(secrets);
  const format = config.format === 'pretty' ? prettyFormatter() : (line: string) => line;
  const destination: DestinationStream = { write: (line) => out.write(format(scrub(line))) };
  return pino(
    {
      level: config.level,
      redact: { paths: redactedPaths, censor: '[REDACTED]' },
      base: { service: 'shelly-ingest' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

function prettyFormatter(): (line: string) => string {
  // Loaded only when asked for: pino-pretty is a development dependency.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
  });
  return (line) => prettify(line);
}
