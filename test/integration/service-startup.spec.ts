import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { startService } from '../support/app';

const builtMain = resolve(__dirname, '../../dist/main.js');

describe('service start-up', () => {
  it('serves /health/live once started on real Postgres and Kafka', async () => {
    const service = await startService();
    try {
      const response = await fetch(`${service.managementUrl}/health/live`, {
        headers: { 'x-request-id': 'req-42' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('req-42');
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await service.stop();
    }
  });

  it('exits non-zero and names the variable when a required one is missing', () => {
    const env = { ...process.env, ...testConfigEnv() };
    delete env.SHELLY_INTEGRATOR_TOKEN;
    const result = spawnSync(process.execPath, [builtMain], {
      env,
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('SHELLY_INTEGRATOR_TOKEN is required');
  });

  it('exits non-zero and names the variable when one is malformed', () => {
    const result = spawnSync(process.execPath, [builtMain], {
      env: { ...process.env, ...testConfigEnv(), KAFKA_BROKERS: 'no-port-here' },
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('KAFKA_BROKERS: expected a comma-separated list of host:port');
  });
});

function testConfigEnv(): Record<string, string> {
  return {
    DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/none',
    KAFKA_BROKERS: '127.0.0.1:1',
    SHELLY_INTEGRATOR_TAG: 'ITG_TEST',
    SHELLY_INTEGRATOR_TOKEN: 'token',
    API_KEY_PEPPER: 'x'.repeat(32),
  };
}
