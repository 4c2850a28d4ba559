import { LevelWithSilent } from 'pino';
import { createLogger } from './logger';
import { NestLogger } from './nest-logger';

function capture(level: LevelWithSilent = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, format: 'json' }, [], {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { lines, nest: new NestLogger(logger) };
}

describe("Nest's messages on the service logger", () => {
  it('writes a message with the context Nest gives last', () => {
    const { lines, nest } = capture();
    nest.log('Nest application successfully started', 'NestApplication');
    nest.verbose('Mapped {/v1/devices, GET} route', 'RouterExplorer');

    expect(lines).toMatchObject([
      { level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' },
      { level: 'trace', context: 'RouterExplorer', msg: 'Mapped {/v1/devices, GET} route' },
    ]);
  });

  it("keeps the stack Nest passes to error before the context, and an Error's own", () => {
    const { lines, nest } = capture();
    nest.error('unhandled', 'Error: unhandled\n    at x.js:1', 'ExceptionsHandler');
    nest.error(new Error('boom'), 'ExceptionsHandler');

    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'ExceptionsHandler',
      stack: 'Error: unhandled\n    at x.js:1',
      msg: 'unhandled',
    });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', err: { message: 'boom' } });
  });

  it('writes nothing below the level', () => {
    const { lines, nest } = capture('warn');
    nest.log('started', 'NestApplication');
    nest.debug('detail', 'NestApplication');
    nest.warn('careful', 'NestApplication');

    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'careful' })]);
  });
});
