import type { IncomingMessage, ServerResponse } from 'node:http';
import { CsmsRequestError, type CsmsCallResult } from './calls';
import type { NodeInfo } from './nodes';
import type { CsmsStats } from './stats';

/**
 * The admin API, plain routes on the HTTP server that carries the WebSocket endpoint, so a test
 * or a benchmark needs one port for both. Errors are JSON `{ error }`: 400 for a bad request, 404
 * for an unknown route or station, 405 for a known route with the wrong method, 413 for a body
 * over the cap.
 */
export interface AdminApi {
  stats(): CsmsStats | Promise<CsmsStats>;
  stations(): { identity: string; version: string }[] | Promise<{ identity: string; version: string }[]>;
  sendCall(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<CsmsCallResult>;
  sendRaw(identity: string, frame: string, timeoutMs?: number): Promise<string | undefined>;
  nodes(): NodeInfo[] | Promise<NodeInfo[]>;
  stopNode(index: number): Promise<NodeInfo>;
  startNode(index: number): Promise<NodeInfo>;
}

/** OCPP payloads are small; a megabyte leaves room for a NotifyReport-sized test frame. */
export const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ROUTES: Readonly<Record<string, string>> = {
  '/stats': 'GET',
  '/stations': 'GET',
  '/call': 'POST',
  '/raw': 'POST',
  '/nodes': 'GET',
  '/nodes/stop': 'POST',
  '/nodes/start': 'POST',
};

/** Whether `path` is one of the admin API's (a station at such a path would be served by it instead). */
export function isAdminPath(path: string): boolean {
  return Object.hasOwn(ROUTES, path.split('?', 1)[0] as string);
}

export function handleAdminRequest(api: AdminApi, req: IncomingMessage, res: ServerResponse): void {
  route(api, req).then(
    (body) => reply(res, 200, body),
    (error: unknown) => {
      if (error instanceof HttpError) reply(res, error.status, { error: error.message });
      else if (error instanceof CsmsRequestError) reply(res, error.code === 'unknownStation' ? 404 : 400, { error: error.message });
      else reply(res, 500, { error: error instanceof Error ? error.message : String(error) });
    },
  );
}

async function route(api: AdminApi, req: IncomingMessage): Promise<unknown> {
  const path = (req.url ?? '/').split('?', 1)[0] as string;
  const method = ROUTES[path];
  if (method === undefined) throw new HttpError(404, `no route ${req.method ?? ''} ${path} (routes: ${Object.keys(ROUTES).join(', ')})`);
  if (req.method !== method) throw new HttpError(405, `${path} takes ${method}, got ${req.method ?? ''}`);
  if (path === '/stats') return api.stats();
  if (path === '/stations') return api.stations();
  if (path === '/nodes') return api.nodes();
  const body = await readJson(req);
  if (path === '/nodes/stop') return api.stopNode(field(body, 'node', 'number') as number);
  if (path === '/nodes/start') return api.startNode(field(body, 'node', 'number') as number);
  const identity = field(body, 'identity', 'string') as string;
  const timeoutMs = field(body, 'timeoutMs', 'number', true) as number | undefined;
  if (path === '/call') {
    const action = field(body, 'action', 'string') as string;
    if (!('payload' in body)) throw new HttpError(400, 'body.payload is required');
    return api.sendCall(identity, action, body.payload, timeoutMs);
  }
  const frame = await api.sendRaw(identity, field(body, 'frame', 'string') as string, timeoutMs);
  return { reply: frame ?? null };
}

function field(body: Record<string, unknown>, name: string, type: 'string' | 'number', optional = false): unknown {
  const value = body[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== type) throw new HttpError(400, `body.${name} must be a ${type}${optional ? ' when given' : ''}`);
  return value;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      // The rest is read and dropped rather than the socket destroyed, so the 413 reaches the client.
      if (size > MAX_BODY_BYTES) reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(new HttpError(400, 'body is not valid JSON'));
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        reject(new HttpError(400, 'body must be a JSON object'));
        return;
      }
      resolve(value as Record<string, unknown>);
    });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
