import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const cli = resolve(__dirname, '../../dist/cli/main.js');
const environment = { ...process.env, SHELLY_INTEGRATOR_TAG: '', SHELLY_INTEGRATOR_TOKEN: '' };

const started: ChildProcess[] = [];

/** Starts `simulate` and resolves once it has printed `readyMarker`. */
async function startSimulate(
  args: string[],
  readyMarker: string,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [cli, 'simulate', '--port', '0', ...args], {
    env: environment,
  });
  started.push(child);
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /simulator on (http:\/\/\S+)/.exec(output);
      if (match && output.includes(readyMarker)) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulate exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

describe('simulate command', () => {
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the simulator until SIGTERM, then exits 0', async () => {
    const { child, url, output } = await startSimulate(
      [
        '--integrator',
        'ITG_ACME=secret',
        '--models',
        'SHSW-1,SNSW-001P16EU',
        '--seed',
        '6',
        '--grant-all',
        '48213',
        '--update-interval',
        '0',
      ],
      'granted',
    );
    const status = (await (await fetch(`${url}/simulator/status`)).json()) as Record<
      string,
      unknown
    >;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    expect(status).toMatchObject({ seed: 6, devices: 2, consents: 2 });
    expect(output()).toContain('SNSW-001P16EU');
    expect(output()).toContain('granted 2 of 2 devices to user 48213');
    expect(output()).not.toContain('secret');
    expect(await exited).toEqual([0, null]);
  });

  it('links an account to the devices named by --account and serves its OAuth login', async () => {
    const { child, url, output } = await startSimulate(
      [
        '--integrator',
        'ITG_ACME=secret',
        '--models',
        'SNSW-001P16EU',
        '--hosts',
        'shelly-43-eu.shelly.cloud',
        '--seed',
        '6',
        '--account',
        '6550=485519002343',
        '--update-interval',
        '0',
      ],
      'account 6550',
    );
    const accounts = await (await fetch(`${url}/simulator/accounts`)).json();
    const login = await fetch(
      `${url}/oauth_login.html?client_id=shelly-diy&redirect_uri=https%3A%2F%2Fexample.invalid%2Fcb`,
      { redirect: 'manual' },
    );
    child.kill('SIGTERM');

    expect(output()).toContain('account 6550 on shelly-43-eu.shelly.cloud: 485519002343');
    expect(accounts).toEqual([
      {
        userId: 6550,
        host: 'shelly-43-eu.shelly.cloud',
        devices: ['485519002343'],
        connections: 0,
      },
    ]);
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toMatch(/^https:\/\/example\.invalid\/cb\?code=/);
  });

  it('refuses to start without an integrator and says how to give one', () => {
    const run = spawnSync(process.execPath, [cli, 'simulate', '--port', '0'], {
      env: environment,
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--integrator <tag=token>');
  });

  it.each([
    [['--integrator', 'no-separator'], 'expected <tag>=<token>'],
    [['--integrator', 'A=b', '--models', 'SHXX-1'], 'unknown model "SHXX-1"'],
    [['--integrator', 'A=b', '--port', '70000'], 'expected a port number up to 65535'],
    [['--integrator', 'A=b', '--account', '6550'], 'expected <userId>=<id,id,...>'],
    [['--integrator', 'A=b', '--account', '6550=ffffffffffff'], 'no simulated device'],
  ])('refuses bad options %p', (args, message) => {
    const run = spawnSync(process.execPath, [cli, 'simulate', '--port', '0', ...args], {
      env: environment,
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  });
});
