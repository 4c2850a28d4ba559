import { WebSocket } from 'ws';
import { malformedFrame, MalformedKind } from './frames';

/** What the faults need from the simulator. */
export interface FaultTarget {
  connectionsOf(host: string): { socket: WebSocket; frozen: boolean }[];
  exampleDeviceId(host: string): string;
}

/** Faults on demand. Durations are real time, whatever clock the statuses use. */
export class SimulatorFaults {
  private readonly refusedUntil = new Map<string, number>();
  private delayMs = 0;
  private dropping = false;
  private errorMessage: string | null = null;
  private refusingRenewal = false;
  private failingCloudControl = false;

  constructor(private readonly target: FaultTarget) {}

  /** `close` sends close 1001 (going away); `terminate` destroys the TCP socket without a close frame. */
  dropConnection(host: string, mode: 'close' | 'terminate' = 'terminate'): number {
    const connections = this.target.connectionsOf(host);
    for (const { socket } of connections) {
      if (mode === 'close') socket.close(1001, 'going away');
      else socket.terminate();
    }
    return connections.length;
  }

  /** Handshakes to the host are refused with HTTP 503 for this long; open sockets stay. */
  refuseConnections(host: string, durationMs: number): void {
    this.refusedUntil.set(host, Date.now() + durationMs);
  }

  isRefusing(host: string): boolean {
    return (this.refusedUntil.get(host) ?? 0) > Date.now();
  }

  /**
   * The host goes silent without closing: it answers neither pings nor requests and sends no more
   * events, like a relay that dropped the socket silently.
   */
  freezeConnection(host: string): number {
    const connections = this.target.connectionsOf(host);
    for (const connection of connections) connection.frozen = true;
    return connections.length;
  }

  /** Command responses go out this late (0 restores); the status change is not delayed. */
  delayCommandResponses(delayMs: number): void {
    this.delayMs = delayMs;
  }

  get responseDelayMs(): number {
    return this.delayMs;
  }

  /**
   * Commands still run and their status change is sent, but no response comes; actions
   * (`DeviceVerify`, `DeviceGetSettings`) go unanswered too.
   */
  dropCommandResponses(drop: boolean): void {
    this.dropping = drop;
  }

  get droppingResponses(): boolean {
    return this.dropping;
  }

  /**
   * Requests (commands and RPC calls) are answered with `{"event":"Error","trid":…,"message":…}` in
   * place of their response, and do not run; `null` restores.
   */
  answerWithErrorFrames(message: string | null): void {
    this.errorMessage = message;
  }

  get errorFrameMessage(): string | null {
    return this.errorMessage;
  }

  /**
   * `/oauth/auth` refuses renewals, both a second exchange of an authorization code and the
   * `refresh_token` grant; a code's first exchange still works.
   */
  refuseTokenRenewal(refuse: boolean): void {
    this.refusingRenewal = refuse;
  }

  get refusingTokenRenewal(): boolean {
    return this.refusingRenewal;
  }

  /** Every Cloud Control call is answered 503, as during an outage of Shelly's HTTP API. */
  failCloudControl(fail: boolean): void {
    this.failingCloudControl = fail;
  }

  get failingCloudControlCalls(): boolean {
    return this.failingCloudControl;
  }

  sendMalformed(host: string, kind: MalformedKind): number {
    const frame = malformedFrame(kind, this.target.exampleDeviceId(host));
    const connections = this.target.connectionsOf(host).filter((connection) => !connection.frozen);
    for (const { socket } of connections) {
      socket.send(frame, { binary: typeof frame !== 'string' });
    }
    return connections.length;
  }

  /** Back to normal: no refusals, delays, drops or Error frames. Frozen or dropped sockets stay as they are. */
  clear(): void {
    this.refusedUntil.clear();
    this.refusingRenewal = false;
    this.failingCloudControl = false;
    this.delayMs = 0;
    this.dropping = false;
    this.errorMessage = null;
  }
}
