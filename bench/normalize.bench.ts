/**
 * Frames per second of normalizeFrame on one core, alone and with the JSON serialization of the
 * events that publishing adds. Run from the repository root: `npm run bench:normalize`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeFrame } from '../src/normalize/normalize-frame';

const secondsPerScenario = 2;

function capturedFrame(name: string): string {
  const file = resolve('test/fixtures/frames', `${name}.json`);
  return JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));
}

const scenarios: [name: string, frame: string][] = [
  ['Gen2 switch, full status', capturedFrame('gen2-switch-status')],
  [
    'Gen2 switch, partial delta',
    '{"event":"Shelly:StatusOnChange","deviceId":"224830197357980","status":{"switch:0":{"id":0,"apower":41.7,"current":0.198}}}',
  ],
  ['Gen1 relay, full status', capturedFrame('gen1-relay-status')],
  ['online', '{"event":"Shelly:Online","deviceId":"224830197357980","online":1}'],
];

function run(frame: string, serialize: boolean, seconds: number): { perSecond: number } {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let frames = 0;
  let outputBytes = 0;
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() < deadline) {
    for (let batch = 0; batch < 1000; batch++) {
      const result = normalizeFrame(frame, {
        host: 'shelly-103-eu.shelly.cloud',
        api: 'integrator',
        receivedAt: new Date(),
        newEventId: randomUUID,
        includeRawStatus: false,
      });
      if (result.kind !== 'events') throw new Error(`scenario frame was ${result.kind}`);
      if (serialize) for (const event of result.events) outputBytes += JSON.stringify(event).length;
      else outputBytes += result.events.length;
    }
    frames += 1000;
  }
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (outputBytes === 0) throw new Error('nothing was produced');
  return { perSecond: frames / elapsedSeconds };
}

console.log(`node ${process.version}, ${secondsPerScenario} s per figure, one core`);
for (const [name, frame] of scenarios) {
  run(frame, true, 0.5);
  const normalizeOnly = run(frame, false, secondsPerScenario);
  const withSerialize = run(frame, true, secondsPerScenario);
  console.log(
    `${name.padEnd(28)} ${String(frame.length).padStart(5)} B  ` +
      `normalize ${Math.round(normalizeOnly.perSecond).toLocaleString('en').padStart(9)} frames/s  ` +
      `+ JSON.stringify ${Math.round(withSerialize.perSecond).toLocaleString('en').padStart(9)} frames/s`,
  );
}
