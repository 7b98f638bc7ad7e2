import type { ClientRequest, IncomingMessage } from 'node:http';
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
type OwnedSocket = WebSocket & { [OWNER]: SocketEvents };

function ownerOf(ws: WebSocket): SocketEvents {
  return (ws as OwnedSocket)[OWNER];
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

export function sendText(ws: WebSocket, text: string): void {
  ws.send(Buffer.from(text), TEXT_FRAME);
}
