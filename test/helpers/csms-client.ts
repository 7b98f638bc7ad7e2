import { WebSocket, type RawData } from 'ws';

/**
 * A bare OCPP-J client for the embedded CSMS's tests: plain `ws`, no code of the fleet, so that
 * what the CSMS does is checked against frames written by hand.
 */
export type Frame = unknown[];

/** Answer to a CSMS-initiated CALL: a payload for a CALLRESULT, or undefined to stay silent. */
export type CallAnswerer = (action: string, payload: Record<string, unknown>) => Record<string, unknown> | undefined;

export class BareStation {
  private readonly inbox: string[] = [];
  private readonly waiters: ((text: string) => void)[] = [];
  private nextId = 1;
  /** CSMS-initiated CALLs received (answered or not), in order. */
  readonly callsReceived: Frame[] = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly answerer: CallAnswerer | undefined,
  ) {
    ws.on('message', (data: RawData) => this.onFrame(String(data)));
  }

  /** Connect as `identity`, offering `protocols`; with an `answerer`, CSMS CALLs are answered automatically. */
  static connect(baseUrl: string, identity: string, protocols: string | string[], answerer?: CallAnswerer): Promise<BareStation> {
    const ws = new WebSocket(`${baseUrl}/${encodeURIComponent(identity)}`, protocols, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BareStation(ws, answerer)));
      ws.once('error', reject);
    });
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  private onFrame(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (this.answerer !== undefined && Array.isArray(frame) && frame[0] === 2) {
      this.callsReceived.push(frame);
      const answer = this.answerer(String(frame[2]), frame[3] as Record<string, unknown>);
      if (answer !== undefined) this.ws.send(JSON.stringify([3, frame[1], answer]));
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(text);
    else this.inbox.push(text);
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** The next frame not handled by the answerer, as text. */
  next(timeoutMs = 3000): Promise<string> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(onText);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const onText = (text: string): void => {
        clearTimeout(timer);
        resolve(text);
      };
      this.waiters.push(onText);
    });
  }

  async nextFrame(timeoutMs = 3000): Promise<Frame> {
    return JSON.parse(await this.next(timeoutMs)) as Frame;
  }

  /** Send a CALL and return the frame that answers it (CALLRESULT or CALLERROR). */
  async call(action: string, payload: unknown, timeoutMs = 3000): Promise<Frame> {
    const id = `t${this.nextId++}`;
    this.send(JSON.stringify([2, id, action, payload]));
    const frame = await this.nextFrame(timeoutMs);
    if (frame[1] !== id) throw new Error(`expected an answer to ${id}, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** The CALLRESULT payload of `action`; throws on a CALLERROR. */
  async result(action: string, payload: unknown): Promise<Record<string, unknown>> {
    const frame = await this.call(action, payload);
    if (frame[0] !== 3) throw new Error(`${action} answered ${JSON.stringify(frame)}`);
    return frame[2] as Record<string, unknown>;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  /** Resolves with the close code when the server closes this connection. */
  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
    return new Promise((resolve) => this.ws.once('close', (code: number) => resolve(code)));
  }
}

/** Try to connect and report how the server answered the upgrade (status, or 101 when it opened). */
export function upgradeStatus(url: string, protocols?: string | string[]): Promise<{ status: number; protocol: string }> {
  const ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, protocol: '' });
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      // Resolved once closed, so the server no longer lists the connection when the test goes on.
      ws.once('close', () => resolve({ status: 101, protocol: ws.protocol }));
      ws.close();
    });
    ws.once('error', reject);
  });
}

/**
 * An answer's `currentTime` is the CSMS's clock (this process's: same machine) when it answered:
 * within [sent, now], whatever the machine's load made of the wait between them.
 */
export function assertAnsweredNow(currentTime: unknown, sentAt: number): void {
  const at = Date.parse(String(currentTime));
  const now = Date.now();
  if (!(at >= sentAt && at <= now)) throw new Error(`currentTime ${String(currentTime)} is not within the call's [${new Date(sentAt).toISOString()}, ${new Date(now).toISOString()}]`);
}
