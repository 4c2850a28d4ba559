import { hostname } from 'node:os';
import { ConfigError, loadConfig, readVariables } from './config';
import { partnerTopicNames } from './topics';

const complete = {
  DATABASE_URL: 'postgresql://shelly:db-password-123@127.0.0.1:5432/shelly_ingest',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092',
  SHELLY_INTEGRATOR_TAG: 'ITG_ACME',
  SHELLY_INTEGRATOR_TOKEN: 'token-secret',
  API_KEY_PEPPER: 'p'.repeat(32),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('builds a typed config with defaults from a complete environment', () => {
    const config = loadConfig(complete);
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 8080,
      managementPort: 9090,
      trustProxyHops: 0,
      replicaUrl: `http://${hostname()}:8080`,
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092', 'kafka-2:9092']);
    expect(config.kafka.topicPrefix).toBe('shelly.');
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.shelly.integratorTag).toBe('ITG_ACME');
  });

  it('takes the address other replicas reach this one at from REPLICA_URL, without a trailing slash', () => {
    expect(loadConfig({ ...complete, REPLICA_URL: 'http://10.1.2.3:8080/' }).http.replicaUrl).toBe(
      'http://10.1.2.3:8080',
    );
    expect(problemsOf({ ...complete, REPLICA_URL: 'not a url' })[0]).toMatch(/^REPLICA_URL: /);
  });

  it('traces only with an OTLP endpoint, which must be an http(s) URL', () => {
    expect(loadConfig(complete).tracing).toEqual({
      endpoint: null,
      serviceName: 'shelly-ingest',
      exportDelayMs: 5000,
      frameSampleRatio: 0.001,
    });
    expect(
      loadConfig({ ...complete, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/' })
        .tracing.endpoint,
    ).toBe('http://otel-collector:4318');
    expect(
      problemsOf({
        ...complete,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318',
        TRACING_FRAME_SAMPLE_RATIO: '2',
      }),
    ).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected an http(s) URL (got "otel-collector:4318")',
      'TRACING_FRAME_SAMPLE_RATIO: expected a number from 0 to 1 (got "2")',
    ]);
  });

  it('works out every topic name from KAFKA_TOPIC_PREFIX', () => {
    expect(loadConfig({ ...complete, KAFKA_TOPIC_PREFIX: 'acme.' }).kafka.topics).toEqual({
      deviceStatus: 'acme.device-status',
      deviceOnline: 'acme.device-online',
      deviceSettings: 'acme.device-settings',
      deviceState: 'acme.device-state',
      consent: 'acme.consent',
      commandAudit: 'acme.command-audit',
      deadLetter: 'acme.dead-letter',
      parked: 'acme.parked',
    });
  });

  it("names a partner's own topics under the prefix and partner.<id>., without a dead-letter topic", () => {
    expect(partnerTopicNames('acme.', 'globex')).toEqual({
      deviceStatus: 'acme.partner.globex.device-status',
      deviceOnline: 'acme.partner.globex.device-online',
      deviceSettings: 'acme.partner.globex.device-settings',
      deviceState: 'acme.partner.globex.device-state',
      consent: 'acme.partner.globex.consent',
      commandAudit: 'acme.partner.globex.command-audit',
    });
  });

  it('names every missing required variable at once', () => {
    const problems = problemsOf({
      ...complete,
      SHELLY_INTEGRATOR_TOKEN: undefined,
      KAFKA_BROKERS: '',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS is required/);
    expect(problems.join('\n')).toMatch(/SHELLY_INTEGRATOR_TOKEN is required/);
  });

  it('names a malformed variable, what it expects and what it got', () => {
    const [problem] = problemsOf({ ...complete, HTTP_PORT: 'eighty' });
    expect(problem).toBe('HTTP_PORT: expected an integer between 0 and 65535 (got "eighty")');
  });

  it('never echoes the value of a malformed secret', () => {
    const [problem] = problemsOf({ ...complete, API_KEY_PEPPER: 'short-pepper' });
    expect(problem).toMatch(/^API_KEY_PEPPER: expected at least 32 characters/);
    expect(problem).not.toContain('short-pepper');
  });

  it('paces Cloud Control requests 1200 ms apart by default and refuses less than Shelly’s second', () => {
    expect(loadConfig(complete).shelly.cloudControlIntervalMs).toBe(1200);
    expect(
      loadConfig({ ...complete, SHELLY_CLOUD_CONTROL_INTERVAL_MS: '2000' }).shelly
        .cloudControlIntervalMs,
    ).toBe(2000);
    expect(problemsOf({ ...complete, SHELLY_CLOUD_CONTROL_INTERVAL_MS: '500' })).toEqual([
      'SHELLY_CLOUD_CONTROL_INTERVAL_MS: expected an integer between 1000 and 60000 (got "500")',
    ]);
  });

  it('rejects a database URL that is not a Postgres URL', () => {
    const [problem] = problemsOf({ ...complete, DATABASE_URL: 'mysql://x@y/z' });
    expect(problem).toMatch(/^DATABASE_URL: expected a URL like postgresql:/);
  });

  it('serves health, metrics and docs on the HTTP port when MANAGEMENT_PORT names it', () => {
    expect(loadConfig({ ...complete, MANAGEMENT_PORT: '8080' }).http.managementPort).toBeNull();
  });

  it('gives health, metrics and docs a free port of their own when both ports are 0', () => {
    const config = loadConfig({ ...complete, HTTP_PORT: '0', MANAGEMENT_PORT: '0' });
    expect(config.http.managementPort).toBe(0);
  });

  it('refuses a cleartext token URL, socket template and unsubscribe URL in production, naming each', () => {
    const cleartext = {
      ...complete,
      SHELLY_TOKEN_URL: 'http://sim.local/integrator/get_access_token',
      SHELLY_WS_URL_TEMPLATE: 'ws://{host}/shelly/wss/hk_sock?t={token}',
      SHELLY_UNSUBSCRIBE_URL_TEMPLATE: 'http://{host}/integrator/unsubscribe_device',
    };
    expect(problemsOf(cleartext)).toEqual([
      expect.stringMatching(/^SHELLY_TOKEN_URL: expected a https:\/\/ URL .*SHELLY_ALLOW_INSECURE/),
      expect.stringMatching(
        /^SHELLY_WS_URL_TEMPLATE: expected a wss:\/\/ URL .*SHELLY_ALLOW_INSECURE/,
      ),
      expect.stringMatching(
        /^SHELLY_UNSUBSCRIBE_URL_TEMPLATE: expected a https:\/\/ URL .*SHELLY_ALLOW_INSECURE/,
      ),
    ]);
    expect(problemsOf({ ...complete, SHELLY_TOKEN_URL: cleartext.SHELLY_TOKEN_URL })).toEqual([
      expect.stringMatching(/^SHELLY_TOKEN_URL: /),
    ]);
  });

  it('takes cleartext Shelly URLs when SHELLY_ALLOW_INSECURE is set, or outside production', () => {
    const cleartext = {
      ...complete,
      SHELLY_TOKEN_URL: 'http://sim.local/integrator/get_access_token',
      SHELLY_WS_URL_TEMPLATE: 'ws://{host}/shelly/wss/hk_sock?t={token}',
    };
    expect(
      loadConfig({ ...cleartext, SHELLY_ALLOW_INSECURE: 'true' }).shelly.socketUrlTemplate,
    ).toBe(cleartext.SHELLY_WS_URL_TEMPLATE);
    expect(loadConfig({ ...cleartext, NODE_ENV: 'development' }).shelly.tokenUrl).toBe(
      cleartext.SHELLY_TOKEN_URL,
    );
  });

  it('refuses a cleartext OAuth login page and account API in production, naming each', () => {
    expect(
      problemsOf({
        ...complete,
        SHELLY_OAUTH_LOGIN_URL: 'http://sim.local/oauth_login.html',
        SHELLY_OAUTH_API_URL_TEMPLATE: 'http://sim.local/{host}',
      }),
    ).toEqual([
      expect.stringMatching(/^SHELLY_OAUTH_LOGIN_URL: expected a https:\/\/ URL /),
      expect.stringMatching(/^SHELLY_OAUTH_API_URL_TEMPLATE: expected a https:\/\/ URL /),
    ]);
  });

  it('reads the account token keys, the first one sealing, and leaves accounts off without them', () => {
    const first = Buffer.alloc(32, 1);
    const second = Buffer.alloc(32, 2);
    const config = loadConfig({
      ...complete,
      SHELLY_OAUTH_CLIENT_ID: 'acme-client',
      CONSENT_CALLBACK_BASE_URL: 'https://ingest.example.com',
      ACCOUNT_TOKEN_KEYS: `k2:${second.toString('base64')}, k1:${first.toString('base64')}`,
    });
    expect(config.accounts.clientId).toBe('acme-client');
    expect(config.accounts.tokenKeys).toEqual([
      { id: 'k2', key: second },
      { id: 'k1', key: first },
    ]);
    expect(config.secrets).toEqual(
      expect.arrayContaining([first.toString('base64'), second.toString('base64')]),
    );
    expect(loadConfig(complete).accounts).toMatchObject({ clientId: null, tokenKeys: [] });
  });

  it('stops the start when an OAuth client id is set without token keys or a public URL, naming each', () => {
    expect(problemsOf({ ...complete, SHELLY_OAUTH_CLIENT_ID: 'acme-client' })).toEqual([
      'ACCOUNT_TOKEN_KEYS is required when SHELLY_OAUTH_CLIENT_ID is set (linked accounts)',
      'CONSENT_CALLBACK_BASE_URL is required when SHELLY_OAUTH_CLIENT_ID is set (linked accounts)',
    ]);
  });

  it('refuses account token keys of the wrong length, malformed or with a repeated id, without showing them', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    const good = Buffer.alloc(32, 1).toString('base64');
    for (const keys of [`k1:${short}`, good, `k1:${good},k1:${good}`, 'k1:not base64!']) {
      const problems = problemsOf({ ...complete, ACCOUNT_TOKEN_KEYS: keys });
      expect(problems).toEqual([expect.stringMatching(/^ACCOUNT_TOKEN_KEYS: expected /)]);
      expect(problems[0]).not.toContain(keys);
    }
  });

  it('requires SASL credentials when a SASL mechanism is chosen', () => {
    const problems = problemsOf({ ...complete, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(problems[0]).toMatch(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/);
  });

  it('collects secret values, including the password inside the database URL', () => {
    const config = loadConfig({
      ...complete,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'sasl-pw',
    });
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        complete.DATABASE_URL,
        'token-secret',
        'sasl-pw',
        'p'.repeat(32),
        'db-password-123',
      ]),
    );
  });

  it('reads only the variables a command asks for', () => {
    expect(
      readVariables({ DATABASE_URL: complete.DATABASE_URL }, [
        'DATABASE_URL',
        'DATABASE_POOL_SIZE',
      ]),
    ).toEqual({
      DATABASE_URL: complete.DATABASE_URL,
      DATABASE_POOL_SIZE: 10,
    });
  });
});
