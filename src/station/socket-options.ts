import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { DEFAULT_MAX_FRAME_BYTES } from './defaults';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { stationTlsContext } from './station-tls';

/** What a station's connection is opened with: who it is, its group and the worker's context. */
export interface SocketOwner {
  readonly index: number;
  readonly identity: string;
  readonly group: StationGroup;
  /** Basic auth password (security profiles 1 and 2); undefined: none. */
  readonly password: string | undefined;
  /** The station's own TLS context (profile 3 with a folder of certificates), made on first use. */
  tlsContext: SecureContext | undefined;
}

/**
 * The options of a group's plain connections (ws://, no source address, no password), made once:
 * ws copies what it is given into options of its own, so one frozen object serves every attempt.
 */
const plainOptions = new WeakMap<StationGroup, WebSocket.ClientOptions>();

/**
 * The `ws` client options of one connection attempt to `url`: no compression, the frame cap, the
 * source address, Basic auth, and for wss:// TLS with the station's own context (profile 3) or the
 * worker's, with the handshake timed apart.
 */
export function socketOptions(owner: SocketOwner, ctx: StationContext, url: string): WebSocket.ClientOptions {
  const sources = ctx.localAddresses;
  const wss = url.startsWith('wss:');
  if (!wss && owner.password === undefined && (sources === undefined || sources.length === 0)) {
    let plain = plainOptions.get(owner.group);
    if (plain === undefined) plainOptions.set(owner.group, (plain = Object.freeze(baseOptions(owner.group))));
    return plain;
  }
  const options = baseOptions(owner.group);
  // One address per station, by its place in the worker: each address gets its share of the
  // ~28,000 ephemeral ports, so a process can hold more connections than one address allows.
  if (sources !== undefined && sources.length > 0) options.localAddress = sources[owner.index % sources.length];
  if (owner.password !== undefined) {
    // OCPP security profiles 1 and 2: Basic auth, the user being the station's identity.
    options.headers = { Authorization: `Basic ${Buffer.from(`${owner.identity}:${owner.password}`).toString('base64')}` };
  }
  if (wss) {
    const tls = ctx.tls;
    if (tls.clientCertDir !== undefined && owner.tlsContext === undefined) {
      owner.tlsContext = stationTlsContext(tls, tls.clientCertDir, owner.identity);
    }
    options.rejectUnauthorized = tls.rejectUnauthorized;
    // ws hands its options to createConnection; the typings only know net's signature.
    options.createConnection = timedTls(ctx, owner.group, owner.tlsContext ?? tls.context) as unknown as WebSocket.ClientOptions['createConnection'];
  }
  return options;
}

/**
 * Compression as a station offers it (`compression: permessage-deflate`): every frame compressed,
 * however short (ws's default leaves those under 1 KB alone, and nearly every OCPP frame is), and
 * the context kept between frames, where short, similar frames gain the most.
 */
const DEFLATE: WebSocket.PerMessageDeflateOptions = { threshold: 0 };

/** Options of every connection: compression if the group asks for it, the handshake timeout, the frame cap. */
function baseOptions(group: StationGroup): WebSocket.ClientOptions {
  return {
    perMessageDeflate: group.compression === 'permessage-deflate' ? DEFLATE : false,
    handshakeTimeout: group.callTimeoutMs,
    // A frame above the cap is refused as its header arrives (close 1009), before it is buffered:
    // a CSMS sending 10 MB to thousands of stations must not cost the fleet 10 MB per station.
    maxPayload: group.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
  };
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
