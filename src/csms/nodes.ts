import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * One node of the embedded CSMS: a listener on its own port. The nodes of a CSMS share one state
 * (connections, stations, transactions), so a CSMS-initiated call reaches a station whichever
 * node holds its connection. A node can be stopped (its listener closes; the CSMS cuts its
 * connections) and started again on the same port: the loss of one node of a CSMS cluster.
 */
export interface NodeInfo {
  index: number;
  url: string;
  port: number;
  listening: boolean;
  /** Station connections open on this node now. */
  connections: number;
}

/** Pending connections the kernel may hold while a ramp opens thousands at once. */
const LISTEN_BACKLOG = 4096;

export class CsmsNode {
  private server: Server | undefined = undefined;
  /** Servers stopped but maybe still finishing a request (an admin call that stopped them), and their end. */
  private readonly retired = new Map<Server, Promise<void>>();

  constructor(
    readonly index: number,
    private readonly host: string,
    /** 0 until the first listen picks one; kept across restarts. */
    public port: number,
    private readonly makeServer: (node: number) => Server,
  ) {}

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listen (again), on the port of the first listen; a node already listening is left as is. */
  start(): Promise<void> {
    if (this.server !== undefined) return Promise.resolve();
    const server = this.makeServer(this.index);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: this.host, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  /** Serve a connection accepted elsewhere (the first process of a CSMS over several): false when not listening. */
  adopt(socket: Socket): boolean {
    if (this.server === undefined) return false;
    this.server.emit('connection', socket);
    return true;
  }

  /**
   * Close the listener now. Requests under way (the admin call that stops this node) may finish;
   * the caller cuts the station connections, which a closed listener keeps.
   */
  stop(): void {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) =>
      server.once('close', () => {
        this.retired.delete(server);
        resolve();
      }),
    );
    this.retired.set(server, closed);
    server.close();
    server.closeIdleConnections();
  }

  /** End of the CSMS: every server of this node closed, connections cut after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    this.stop();
    const retired = [...this.retired];
    const cut = setTimeout(() => {
      for (const [server] of retired) server.closeAllConnections();
    }, graceMs);
    await Promise.all(retired.map(([, closed]) => closed));
    clearTimeout(cut);
  }
}
