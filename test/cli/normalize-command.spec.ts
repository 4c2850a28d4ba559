import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DeviceStatusEvent } from '../../src/normalize/device-event';
import { frameText } from '../fixtures/frames/frames';

/** One output line; `events` typed as status events so tests can reach their fields. */
interface Answer {
  ok: boolean;
  events: DeviceStatusEvent[];
}

const cli = resolve(__dirname, '../../dist/cli/main.js');

function runNormalize(input: string, args: string[] = []) {
  const run = spawnSync(process.execPath, [cli, 'normalize', ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const lines = run.stdout.split('\n');
  expect(lines.pop()).toBe('');
  return {
    status: run.status,
    stderr: run.stderr,
    answers: lines.map((line) => JSON.parse(line) as Answer),
  };
}

const online = '{"event":"Shelly:Online","deviceId":"12133370","online":0}';

describe('normalize command', () => {
  it('answers each frame with one line, in order, skipping blank lines, and exits 0', () => {
    const input = [
      frameText('gen2-switch-status'),
      '',
      'not json',
      '   ',
      '{"event":"Shelly:XGResponse","trid":1}',
      '{"event":"Shelly:CommandResponse","trid":5,"deviceId":"12133370","data":{"isok":false,"res":"device offline"}}',
      online,
    ].join('\n');

    const { status, answers } = runNormalize(input);

    expect(status).toBe(0);
    expect(answers).toHaveLength(5);
    expect(answers[0]).toMatchObject({
      ok: true,
      events: [
        {
          type: 'device.status.v1',
          // Without a consent store the command knows neither partner nor owner.
          partner: null,
          source: { api: 'integrator', host: 'cli' },
          device: { id: 'cc7b5c0c5d9c', gen: null, model: null, owner: null },
          format: 'gen2',
        },
      ],
    });
    expect(answers[0].events[0].measurements).toContainEqual({
      component: 'switch',
      channel: 0,
      metric: 'energy',
      unit: 'Wh',
      value: 1523.406,
    });
    expect(answers[1]).toEqual({
      ok: false,
      reason: 'not_json',
      detail: `the frame is not JSON: Unexpected token 'o', "not json" is not valid JSON`,
      outcome: 'dead_letter',
    });
    expect(answers[2]).toEqual({
      ok: false,
      reason: 'unknown_event',
      detail: 'event "Shelly:XGResponse" is not consumed',
      outcome: 'dropped',
    });
    expect(answers[3]).toEqual({
      ok: true,
      events: [],
      response: {
        kind: 'command-response',
        trid: 5,
        deviceId: 'b923fa',
        ok: false,
        message: 'device offline',
      },
    });
    expect(answers[4]).toMatchObject({
      ok: true,
      events: [{ type: 'device.online.v1', online: false }],
    });
  });

  it('gives every event a fresh UUID and the time it read the frame', () => {
    const before = Date.now();
    const { answers } = runNormalize(`${online}\n${online}\n`);
    const [first, second] = answers.map((answer) => answer.events[0]);

    expect(first.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(second.id).not.toBe(first.id);
    expect(Date.parse(first.time)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(first.time).toISOString()).toBe(first.time);
  });

  it('names the host and api it is given and includes the raw status with --raw', () => {
    const frame = JSON.stringify({
      event: 'Shelly:StatusOnChange',
      device: { id: '79530338915136', code: 'SNSW-102P16EU', gen: 'G2' },
      status: { 'switch:1': { id: 1, output: true }, _updated: '2025-03-02 10:15:00' },
    });

    const { answers } = runNormalize(frame, [
      '--host',
      'shelly-43-eu.shelly.cloud',
      '--api',
      'rte',
      '--raw',
    ]);

    expect(answers[0].events[0]).toMatchObject({
      source: { api: 'rte', host: 'shelly-43-eu.shelly.cloud' },
      device: { id: '485519999340', gen: 'G2', model: 'SNSW-102P16EU' },
      status: { 'switch:1': { id: 1, output: true }, _updated: '2025-03-02 10:15:00' },
    });
  });

  it('names the linked account with --account, which implies --api rte', () => {
    const { answers } = runNormalize(frameText('rte-gen2-plus-2pm-switch-status'), [
      '--host',
      'shelly-43-eu.shelly.cloud',
      '--account',
      '6550',
    ]);

    expect(answers[0].events[0].source).toEqual({
      api: 'rte',
      host: 'shelly-43-eu.shelly.cloud',
      account: '6550',
    });
  });

  it('refuses --account with --api integrator', () => {
    const run = runNormalize(online, ['--api', 'integrator', '--account', '6550']);

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--account');
  });

  it('leaves the raw status out without --raw', () => {
    const { answers } = runNormalize(frameText('gen2-switch-status'));

    expect(answers[0].events[0]).not.toHaveProperty('status');
  });

  it('reads Windows line endings and a last line without a newline', () => {
    const { answers } = runNormalize(`${online}\r\n${online}`);

    expect(answers).toHaveLength(2);
    expect(answers.every((answer) => answer.ok)).toBe(true);
  });

  it('answers every line of an input far larger than one read', () => {
    const frames = [frameText('gen1-relay-status'), frameText('gen2-switch-status'), 'x'];
    const input = Array.from({ length: 6000 }, (_, index) => frames[index % 3]).join('\n');

    const { answers } = runNormalize(input);

    expect(answers).toHaveLength(6000);
    expect(answers.filter((answer) => answer.ok)).toHaveLength(4000);
    expect(answers[2999]).toMatchObject({ ok: false, reason: 'not_json' });
    expect(answers[5997].events[0].format).toBe('gen1');
    expect(answers[5998].events[0].format).toBe('gen2');
  });

  it('refuses an unknown api with a message and a failing exit code', () => {
    const run = spawnSync(process.execPath, [cli, 'normalize', '--api', 'mqtt'], {
      input: online,
      encoding: 'utf8',
    });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("argument 'mqtt' is invalid");
    expect(run.stdout).toBe('');
  });
});
