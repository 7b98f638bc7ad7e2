import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';

/**
 * What a transport needs of its socket. `ws`'s WebSocket is one; a unit test hands the transport
 * a fake through its connect function (see ConnectFn), as `ws`'s Sender takes its mask generator.
 */
export interface WireSocket {
  /** WebSocket readyState: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** The subprotocol the server chose ('' : none). */
  readonly protocol: string;
  /** The extensions the server took ('permessage-deflate' when it took compression; '' : none). */
  readonly extensions: string;
  send(data: Buffer | string, options?: { binary?: boolean }): void;
  ping(): void;
  close(code: number): void;
  terminate(): void;
  /** Stop and restart reading (a half-open fault). */
  pause(): void;
  resume(): void;
}

/** WebSocket.OPEN, without needing `ws` to compare against it. */
export const SOCKET_OPEN = 1;

/** How a transport opens a socket whose events go to `events`: openSocket in a worker. */
export type ConnectFn = (events: SocketEvents, url: string, protocol: string, options: WebSocket.ClientOptions) => WireSocket;

/** What a station's transport hears from its socket (Transport implements it). */
export interface SocketEvents {
  /** The server answered 101 with this `Sec-WebSocket-Protocol` (undefined: none); ws checks it next. */
  socketUpgraded(ws: WireSocket, protocol: string | undefined): void;
  socketOpened(ws: WireSocket): void;
  socketMessage(text: string): void;
  /** A binary frame: OCPP-J is text only, so it never reaches the OCPP session. */
  socketBinary(ws: WireSocket, bytes: number): void;
  socketPong(ws: WireSocket): void;
  /**
   * The server answered the upgrade with something else than 101. The owner must drain or read
   * the response (readBody) and end the socket.
   */
  socketRejected(ws: WireSocket, res: IncomingMessage): void;
  socketError(ws: WireSocket, err: Error): void;
  socketClosed(ws: WireSocket, code: number, reason: Buffer): void;
}

/**
 * The station a socket belongs to, kept on the socket itself: the listeners below are one set per
 * thread, shared by every socket, instead of six closures (and their contexts) per connection.
 * ws calls a listener with the socket as `this`.
 */
const OWNER = Symbol('stationOfSocket');
/** The TCP (or TLS) socket under the WebSocket, from its upgrade: the writes are held there (see sendText). */
const WIRE = Symbol('wireOfSocket');
type OwnedSocket = WireSocket & { [OWNER]: SocketEvents; [WIRE]?: Socket };

function ownerOf(ws: WireSocket): SocketEvents {
  return (ws as OwnedSocket)[OWNER];
}

function onUpgrade(this: WebSocket, res: IncomingMessage): void {
  (this as WireSocket as OwnedSocket)[WIRE] = res.socket;
  const protocol = res.headers['sec-websocket-protocol'];
  ownerOf(this).socketUpgraded(this, typeof protocol === 'string' ? protocol : undefined);
}

function onOpen(this: WebSocket): void {
  ownerOf(this).socketOpened(this);
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  if (isBinary) ownerOf(this).socketBinary(this, data.length);
  else ownerOf(this).socketMessage(data.toString());
}

function onPong(this: WebSocket): void {
  ownerOf(this).socketPong(this);
}

function onUnexpectedResponse(this: WebSocket, _req: ClientRequest, res: IncomingMessage): void {
  ownerOf(this).socketRejected(this, res);
}

function onError(this: WebSocket, err: Error): void {
  ownerOf(this).socketError(this, err);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  ownerOf(this).socketClosed(this, code, reason);
}

/**
 * The start of a refused upgrade's body, for the error sample: at most `maxBytes` are read, then
 * `done` gets the text (also when the body ends, fails or is cut first). The rest is never read:
 * a CSMS answering every refusal with megabytes must not cost the fleet megabytes per attempt.
 * The socket's handshake timeout bounds a body that never ends.
 */
export function readBody(res: IncomingMessage, maxBytes: number, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    res.off('data', onData);
    // A character cut at the byte limit becomes U+FFFD, which the sample can show.
    done(Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'));
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= maxBytes) finish();
  };
  res.on('data', onData);
  res.once('end', finish);
  res.once('error', finish);
  res.once('close', finish);
}

/** Open a client socket whose events go to `owner` (the ConnectFn of a worker's stations). */
export function openSocket(owner: SocketEvents, url: string, protocol: string, options: WebSocket.ClientOptions): WireSocket {
  const ws = new WebSocket(url, protocol, options);
  (ws as WireSocket as OwnedSocket)[OWNER] = owner;
  ws.on('upgrade', onUpgrade);
  ws.on('open', onOpen);
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  // With a listener here, ws hands over a refused upgrade instead of failing with a generic error.
  ws.on('unexpected-response', onUnexpectedResponse);
  ws.on('error', onError);
  ws.on('close', onClose);
  return ws;
}

/**
 * A text frame as one Buffer: ws then masks it straight into the frame it writes (one write of one
 * buffer), where a string costs a byte-length scan, a buffer for the header alone and a corked
 * pair of writes (a writev) per message. `binary: false` keeps it a text frame. Shared, read-only.
 */
const TEXT_FRAME = Object.freeze({ binary: false });

/**
 * Sockets whose writes are held until the end of this turn of the event loop. A worker answers
 * many sockets per turn; written one by one between the reads, each write finds the CSMS asleep
 * and pays for waking it (on loopback and on virtual machines, most of a write's cost, and paid
 * inside the writer's syscall). Held and written back to back once the turn's reads are done
 * (setImmediate runs right after the poll phase), one wake-up serves them all. Order is kept: a
 * socket's frames, pings and close frame all go through the same held stream.
 */
const held: Socket[] = [];
let releaseArmed = false;

function release(): void {
  releaseArmed = false;
  for (let i = 0; i < held.length; i++) (held[i] as Socket).uncork();
  held.length = 0;
}

function hold(ws: WireSocket): void {
  const wire = (ws as OwnedSocket)[WIRE];
  if (wire === undefined || wire.writableCorked > 0) return;
  wire.cork();
  held.push(wire);
  if (!releaseArmed) {
    releaseArmed = true;
    setImmediate(release);
  }
}

export function sendText(ws: WireSocket, text: string): void {
  hold(ws);
  ws.send(Buffer.from(text), TEXT_FRAME);
}

/**
 * The bytes the socket under the WebSocket wrote and read (the upgrade, framing and compression
 * included; a TLS socket counts what goes under TLS, not its records and handshake); undefined when it never got as far as an upgrade.
 */
export function wireBytes(ws: WireSocket): { readonly written: number; readonly read: number } | undefined {
  const wire = (ws as OwnedSocket)[WIRE];
  return wire === undefined ? undefined : { written: wire.bytesWritten, read: wire.bytesRead };
}

/** End the connection now; what was sent before still goes out first, as if it had not been held. */
export function terminate(ws: WireSocket): void {
  (ws as OwnedSocket)[WIRE]?.uncork();
  ws.terminate();
}
