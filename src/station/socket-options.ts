import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { DEFAULT_MAX_FRAME_BYTES } from '../thread/messages';
import type { StationContext } from './context';
import type { StationGroup } from './group';

/** What a station's connection is opened with: who it is, its group and the worker's context. */
export interface SocketOwner {
  readonly index: number;
  readonly identity: string;
  readonly group: StationGroup;
  /** Basic auth password (security profiles 1 and 2); undefined: none. */
  readonly password: string | undefined;
}

/**
 * The `ws` client options of one connection attempt to `url`: no compression, the frame cap, the
 * source address, Basic auth, and for wss:// TLS with the station's own context (profile 3) or the
 * worker's, with the handshake timed apart.
 */
export function socketOptions(owner: SocketOwner, ctx: StationContext, url: string, tlsContext: SecureContext | undefined): WebSocket.ClientOptions {
  const options: WebSocket.ClientOptions = {
    perMessageDeflate: false,
    handshakeTimeout: owner.group.callTimeoutMs,
    // A frame above the cap is refused as its header arrives (close 1009), before it is buffered:
    // a CSMS sending 10 MB to thousands of stations must not cost the fleet 10 MB per station.
    maxPayload: owner.group.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
  };
  const sources = ctx.localAddresses;
  // One address per station, by its place in the worker: each address gets its share of the
  // ~28,000 ephemeral ports, so a process can hold more connections than one address allows.
  if (sources !== undefined && sources.length > 0) options.localAddress = sources[owner.index % sources.length];
  if (owner.password !== undefined) {
    // OCPP security profiles 1 and 2: Basic auth, the user being the station's identity.
    options.headers = { Authorization: `Basic ${Buffer.from(`${owner.identity}:${owner.password}`).toString('base64')}` };
  }
  if (url.startsWith('wss:')) {
    options.rejectUnauthorized = ctx.tls.rejectUnauthorized;
    // ws hands its options to createConnection; the typings only know net's signature.
    options.createConnection = timedTls(ctx, owner.group, tlsContext ?? ctx.tls.context) as unknown as WebSocket.ClientOptions['createConnection'];
  }
  return options;
}

/** tls.connect, timing the handshake on its own: it is part of the connect time, and reported apart. */
function timedTls(ctx: StationContext, group: StationGroup, context: SecureContext | undefined): (options: TlsConnectionOptions) => TLSSocket {
  return (options) => {
    const socket = tlsConnect({
      ...options,
      ...(context === undefined ? {} : { secureContext: context }),
      // As ws itself does: no SNI for an IP address.
      servername: options.servername ?? (isIP(options.host ?? '') ? '' : options.host),
    });
    let tcpAt = 0;
    socket.once('connect', () => (tcpAt = ctx.now()));
    socket.once('secureConnect', () => ctx.recordTlsHandshake(group, ctx.now() - tcpAt));
    return socket;
  };
}
