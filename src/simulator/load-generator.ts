import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { sleep } from '../common';
import { Status } from './gen1-status';

/**
 * Load mode: sends `Shelly:StatusOnChange` frames at a target rate, spread over hosts in
 * proportion to their devices. Each frame carries `status._bench = {seq, sentAt}` with `sentAt` in
 * epoch milliseconds with a sub-millisecond fraction (`performance.timeOrigin + performance.now()`).
 *
 * The generator must never be what limits a benchmark: frames are cut from prebuilt templates,
 * written in batches per event-loop turn with the socket corked, and a lane waits while its socket
 * holds more than `maxBufferedBytes`, so memory stays bounded when the consumer is slow.
 */
export interface LoadLane {
  host: string;
  socket: WebSocket;
  frames: FrameTemplate[];
}

export interface FrameTemplate {
  head: string;
  tail: string;
}

export interface LoadRun {
  eventsPerSecond: number;
  durationMs: number;
  maxBufferedBytes?: number;
  maxBatchPerTurn?: number;
}

export interface LoadReport {
  /** Frames the rate and duration asked for. */
  targetFrames: number;
  /** Frames handed to the sockets, exactly. */
  framesSent: number;
  framesByHost: Record<string, number>;
  /** Target frames not sent by the end of the run (slow consumer or closed socket). */
  behind: number;
  devices: number;
  bytesSent: number;
  /** From the first frame until every socket had flushed what it was given. */
  elapsedMs: number;
  framesPerSecond: number;
  /** Hosts whose socket closed during the run. */
  closedHosts: string[];
}

/** How long a finished run waits for sockets to flush before it reports. */
const FLUSH_WAIT_MS = 2000;

export function frameTemplate(deviceId: string, status: Status): FrameTemplate {
  const rest = JSON.stringify(status).slice(1);
  return {
    head: `{"event":"Shelly:StatusOnChange","deviceId":${JSON.stringify(deviceId)},"status":{"_bench":{"seq":`,
    tail: `}${rest === '}' ? '' : ','}${rest}}`,
  };
}

interface LaneProgress {
  lane: LoadLane;
  raw: Socket | undefined;
  target: number;
  sent: number;
  cursor: number;
  closed: boolean;
}

export function runLoad(lanes: readonly LoadLane[], run: LoadRun): Promise<LoadReport> {
  const maxBuffered = run.maxBufferedBytes ?? 4 * 1024 * 1024;
  const maxBatch = run.maxBatchPerTurn ?? 1024;
  const targetFrames = Math.round((run.eventsPerSecond * run.durationMs) / 1000);
  const progress = splitTarget(lanes, targetFrames);
  const origin = performance.timeOrigin;
  const started = performance.now();
  let seq = 0;
  let bytes = 0;

  return new Promise((resolve) => {
    const turn = () => {
      const elapsed = performance.now() - started;
      const share = Math.min(1, elapsed / run.durationMs);
      let ready = false;
      let blocked = false;
      for (const lane of progress) {
        if (lane.closed) continue;
        const socket = lane.lane.socket;
        if (socket.readyState !== WebSocket.OPEN) {
          lane.closed = true;
          continue;
        }
        const due = Math.floor(lane.target * share);
        if (lane.sent >= due) continue;
        if (socket.bufferedAmount >= maxBuffered) {
          blocked = true;
          continue;
        }
        const frames = lane.lane.frames;
        let batch = 0;
        lane.raw?.cork();
        while (lane.sent < due && batch < maxBatch && socket.bufferedAmount < maxBuffered) {
          const template = frames[lane.cursor];
          lane.cursor = lane.cursor + 1 === frames.length ? 0 : lane.cursor + 1;
          const frame = `${template.head}${seq}${',"sentAt":'}${origin + performance.now()}${template.tail}`;
          socket.send(frame);
          seq += 1;
          bytes += frame.length;
          lane.sent += 1;
          batch += 1;
        }
        lane.raw?.uncork();
        if (lane.sent < due) ready = true;
      }
      if (share >= 1) {
        void finish();
      } else if (ready) {
        setImmediate(turn);
      } else {
        setTimeout(turn, blocked ? 1 : nextDueInMs(progress, run.durationMs, elapsed));
      }
    };

    const finish = async () => {
      const flushDeadline = performance.now() + FLUSH_WAIT_MS;
      while (
        performance.now() < flushDeadline &&
        progress.some((lane) => open(lane) && lane.lane.socket.bufferedAmount > 0)
      ) {
        await sleep(2);
      }
      const elapsedMs = performance.now() - started;
      const framesByHost: Record<string, number> = {};
      for (const lane of progress) {
        framesByHost[lane.lane.host] = (framesByHost[lane.lane.host] ?? 0) + lane.sent;
      }
      resolve({
        targetFrames,
        framesSent: seq,
        framesByHost,
        behind: targetFrames - seq,
        devices: lanes.reduce((sum, lane) => sum + lane.frames.length, 0),
        bytesSent: bytes,
        elapsedMs,
        framesPerSecond: elapsedMs > 0 ? (seq * 1000) / elapsedMs : 0,
        closedHosts: progress.filter((lane) => !open(lane)).map((lane) => lane.lane.host),
      });
    };

    turn();
  });
}

function open(lane: LaneProgress): boolean {
  return !lane.closed && lane.lane.socket.readyState === WebSocket.OPEN;
}

function splitTarget(lanes: readonly LoadLane[], targetFrames: number): LaneProgress[] {
  const devices = lanes.reduce((sum, lane) => sum + lane.frames.length, 0);
  const progress = lanes.map((lane) => ({
    lane,
    raw: (lane.socket as unknown as { _socket?: Socket })._socket,
    target: devices === 0 ? 0 : Math.floor((targetFrames * lane.frames.length) / devices),
    sent: 0,
    cursor: 0,
    closed: false,
  }));
  let remainder = targetFrames - progress.reduce((sum, lane) => sum + lane.target, 0);
  for (let index = 0; remainder > 0 && progress.length > 0; index += 1, remainder -= 1) {
    progress[index % progress.length].target += 1;
  }
  return progress;
}

function nextDueInMs(progress: LaneProgress[], durationMs: number, elapsed: number): number {
  let soonest = durationMs - elapsed;
  for (const lane of progress) {
    if (lane.closed || lane.sent >= lane.target) continue;
    soonest = Math.min(soonest, ((lane.sent + 1) / lane.target) * durationMs - elapsed);
  }
  return Math.max(0, soonest);
}
