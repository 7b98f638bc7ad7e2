import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';

/** What a station hears from its `ws` socket (StationSocket implements it). */
export interface SocketEvents {
  socketOpened(ws: WebSocket): void;
  socketMessage(text: string): void;
  socketPong(ws: WebSocket): void;
  /** The server answered the upgrade with something else than 101 (the response is drained). */
  socketRejected(ws: WebSocket): void;
  socketError(ws: WebSocket, err: Error): void;
  socketClosed(ws: WebSocket): void;
}

/**
 * The station a socket belongs to, kept on the socket itself: the listeners below are one set per
 * thread, shared by every socket, instead of six closures (and their contexts) per connection.
 * ws calls a listener with the socket as `this`.
 */
const OWNER = Symbol('stationOfSocket');
/** The TCP (or TLS) socket under the WebSocket, from its upgrade: the writes are held there (see sendText). */
const WIRE = Symbol('wireOfSocket');
type OwnedSocket = WebSocket & { [OWNER]: SocketEvents; [WIRE]?: Socket };

function ownerOf(ws: WebSocket): SocketEvents {
  return (ws as OwnedSocket)[OWNER];
}

function onUpgrade(this: WebSocket, res: IncomingMessage): void {
  (this as OwnedSocket)[WIRE] = res.socket;
}

function onOpen(this: WebSocket): void {
  ownerOf(this).socketOpened(this);
}

function onMessage(this: WebSocket, data: Buffer): void {
  ownerOf(this).socketMessage(data.toString());
}

function onPong(this: WebSocket): void {
  ownerOf(this).socketPong(this);
}

function onUnexpectedResponse(this: WebSocket, _req: ClientRequest, res: IncomingMessage): void {
  res.resume();
  ownerOf(this).socketRejected(this);
}

function onError(this: WebSocket, err: Error): void {
  ownerOf(this).socketError(this, err);
}

function onClose(this: WebSocket): void {
  ownerOf(this).socketClosed(this);
}

/** Open a client socket whose events go to `owner`. */
export function openSocket(owner: SocketEvents, url: string, protocol: string, options: WebSocket.ClientOptions): WebSocket {
  const ws = new WebSocket(url, protocol, options) as OwnedSocket;
  ws[OWNER] = owner;
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

function hold(ws: WebSocket): void {
  const wire = (ws as OwnedSocket)[WIRE];
  if (wire === undefined || wire.writableCorked > 0) return;
  wire.cork();
  held.push(wire);
  if (!releaseArmed) {
    releaseArmed = true;
    setImmediate(release);
  }
}

export function sendText(ws: WebSocket, text: string): void {
  hold(ws);
  ws.send(Buffer.from(text), TEXT_FRAME);
}

/** End the connection now; what was sent before still goes out first, as if it had not been held. */
export function terminate(ws: WebSocket): void {
  (ws as OwnedSocket)[WIRE]?.uncork();
  ws.terminate();
}
