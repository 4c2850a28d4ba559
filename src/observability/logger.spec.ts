import { createLogger } from './logger';

const integratorToken = 'itg-token-7f3a9c2e51b04d8e';
const jwt =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzM4NCJ9.eyJleHAiOjE3NjAwMDAwMDAsInVzZXJfaWQiOiJJVEdfQUNNRSJ9.c2lnbmF0dXJlLXBhcnQ';
const apiKey = 'sik_3q2X7w8ZpQk1mN0xYtR5vB9cD4eF6gH';
const dbPassword = 'pa"ss\\word';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', format: 'json' }, [integratorToken, dbPassword], {
    write: (line: string) => lines.push(line),
  });
  return { lines, logger };
}

function expectNoSecret(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).not.toContain(integratorToken);
    expect(line).not.toContain(jwt);
    expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    expect(line).not.toContain(apiKey.slice(4));
    expect(line).not.toContain(JSON.stringify(dbPassword).slice(1, -1));
  }
}

describe('log redaction', () => {
  it('removes secrets from an object that holds them under any key', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        config: { shelly: { integratorToken }, anything: { nested: [integratorToken, jwt] } },
        session: { accessToken: jwt, key: apiKey },
        dsn: `postgresql://shelly:${dbPassword}@db/x`,
      },
      'state dump',
    );
    expectNoSecret(lines);
    expect(lines[0]).toContain('state dump');
  });

  it('removes secrets from messages, errors and stacks', () => {
    const { lines, logger } = capture();
    logger.error(
      { err: new Error(`token ${integratorToken} rejected, jwt=${jwt}`) },
      `auth failed for ${apiKey}`,
    );
    expectNoSecret(lines);
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('keeps the WebSocket URL but hides its t= token', () => {
    const { lines, logger } = capture();
    logger.warn(
      { url: 'wss://shelly-103-eu.shelly.cloud:6113/shelly/wss/hk_sock?t=opaque-token-value' },
      'reconnecting',
    );
    expect(lines[0]).toContain(
      'wss://shelly-103-eu.shelly.cloud:6113/shelly/wss/hk_sock?t=[REDACTED]',
    );
    expect(lines[0]).not.toContain('opaque-token-value');
  });

  it('censors Authorization and API key headers of HTTP request logs', () => {
    const { lines, logger } = capture();
    logger.info(
      { req: { headers: { authorization: 'Bearer opaque-1', 'x-api-key': 'opaque-2' } } },
      'request',
    );
    expect(lines[0]).not.toContain('opaque-1');
    expect(lines[0]).not.toContain('opaque-2');
  });
});
