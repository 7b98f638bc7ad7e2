/**
 * The bare `ws` client: the baseline of cases 1–4, in a process of its own. It does what the
 * fleet does on the wire and nothing more: no scheduler, no schema check, no metrics pump.
 * Frames are the fleet's own: `[2,"<n>","Heartbeat",{}]` out, the answer parsed with JSON.parse and
 * its id checked (the least any OCPP client must do with an answer).
 */
import WebSocket from 'ws';
import { serveChild, type ChildIo } from './lib/child';
import type { BareClosedResult, BareSpec, ConnectResult, LatencyResult, MemoryResult } from './lib/specs';
import { cpuMicros, Samples, sleep } from './lib/stats';
import { gcNow, memoryDelta } from './lib/memory';

const now = (): number => performance.now();

function open(url: string, n: number, onOpen?: (ws: WebSocket, i: number) => void, subprotocol = 'ocpp1.6'): Promise<{ sockets: WebSocket[]; ms: number; failed: number }> {
  const start = now();
  const sockets: WebSocket[] = [];
  let settled = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const done = (): void => {
      if (++settled === n) resolve({ sockets, ms: now() - start, failed });
    };
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(`${url}/BARE-${i}`, subprotocol, { perMessageDeflate: false, handshakeTimeout: 30_000 });
      sockets.push(ws);
      let counted = false;
      ws.once('open', () => {
        if (counted) return;
        counted = true;
        onOpen?.(ws, i);
        done();
      });
      ws.on('error', () => {
        if (counted) return;
        counted = true;
        failed++;
        done();
      });
    }
    if (n === 0) resolve({ sockets, ms: 0, failed: 0 });
  });
}

function answerId(data: Buffer): string {
  const frame = JSON.parse(data.toString()) as unknown[];
  return frame[1] as string;
}

async function closed(spec: Extract<BareSpec, { mode: 'closed' }>, io: ChildIo): Promise<BareClosedResult> {
  const { sockets, ms } = await open(spec.url, spec.connections);
  // Boot first, as a station does: a real CSMS answers an unbooted station's calls differently.
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise<void>((resolve) => {
          ws.once('message', (data: Buffer) => {
            answerId(data);
            resolve();
          });
          ws.send(`[2,"0","BootNotification",{"chargePointVendor":"bench","chargePointModel":"bare","chargePointSerialNumber":"BARE-${i}","firmwareVersion":"1"}]`);
        }),
    ),
  );
  let count = 0;
  let running = true;
  for (const ws of sockets) {
    let next = 1;
    let expected = '';
    const sendNext = (): void => {
      expected = String(next++);
      ws.send(`[2,"${expected}","Heartbeat",{}]`);
    };
    ws.on('message', (data: Buffer) => {
      if (answerId(data) !== expected) throw new Error('answer to an unknown id');
      count++;
      if (running) sendNext();
    });
    sendNext();
  }
  io.onSample(() => count);
  io.ready({ connectMs: ms });
  await io.finishRequested();
  running = false;
  for (const ws of sockets) ws.terminate();
  return { connectMs: ms, roundTrips: count };
}

async function idle(spec: Extract<BareSpec, { mode: 'idle' }>): Promise<MemoryResult> {
  // As the fleet side does: a few connections first, so code and singletons are in "before".
  const warm = await open(spec.url, Math.min(50, spec.connections));
  for (const ws of warm.sockets) ws.terminate();
  await sleep(100);
  const before = gcNow();
  const { sockets } = await open(spec.url, spec.connections);
  await sleep(spec.settleMs);
  const result = memoryDelta(before, gcNow(), spec.connections);
  for (const ws of sockets) ws.terminate();
  return result;
}

/** A 1.6 station's boot with one connector: BootNotification, then StatusNotification for connectors 0 and 1, one at a time. */
const BOOT_SEQUENCE = [
  (i: number) => `[2,"1","BootNotification",{"chargePointVendor":"bench","chargePointModel":"bare","chargePointSerialNumber":"BARE-${i}","firmwareVersion":"1"}]`,
  () => `[2,"2","StatusNotification",{"connectorId":0,"errorCode":"NoError","status":"Available","timestamp":"${new Date().toISOString()}"}]`,
  () => `[2,"3","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"${new Date().toISOString()}"}]`,
];

async function connect(spec: Extract<BareSpec, { mode: 'connect' }>): Promise<ConnectResult> {
  const start = now();
  let answered = 0;
  let bootMs: number | null = null;
  let allAnswered: () => void = () => undefined;
  const booted = new Promise<void>((resolve) => (allAnswered = resolve));
  const frames = spec.boot === 'sequence' ? BOOT_SEQUENCE : BOOT_SEQUENCE.slice(0, 1);
  const onOpen = (ws: WebSocket, i: number): void => {
    let step = 0;
    ws.on('message', (data: Buffer) => {
      answerId(data);
      const next = frames[++step];
      if (next) ws.send(next(i));
      else if (++answered === spec.connections) {
        bootMs = now() - start;
        allAnswered();
      }
    });
    ws.send((frames[0] as (i: number) => string)(i));
  };
  const r = await open(spec.url, spec.connections, spec.boot ? onOpen : undefined);
  // Bounded by the parent's timeout, like everything a child does.
  if (spec.boot && r.failed === 0) await booted;
  for (const ws of r.sockets) ws.terminate();
  return { opened: spec.connections - r.failed, connectMs: r.ms, bootMs, failed: r.failed };
}

async function openLoop(spec: Extract<BareSpec, { mode: 'open' }>, io: ChildIo): Promise<LatencyResult> {
  const { sockets } = await open(spec.url, spec.connections);
  const response = new Samples();
  const service = new Samples();
  const dispatch = new Samples();
  const t0 = now();
  let measuring = false;
  let windowCalls = 0;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  sockets.forEach((ws, i) => {
    let next = 1;
    let outstanding = '';
    let sentAt = 0;
    let dueOfSent = 0;
    const backlog: number[] = [];
    const send = (due: number): void => {
      outstanding = String(next++);
      sentAt = now();
      // As the fleet's session does: a call sent early (timers round to the ms) counts from when it was sent.
      dueOfSent = Math.min(due, sentAt);
      ws.send(`[2,"${outstanding}","Heartbeat",{}]`);
    };
    ws.on('message', (data: Buffer) => {
      if (answerId(data) !== outstanding) throw new Error('answer to an unknown id');
      const t = now();
      if (measuring) {
        windowCalls++;
        response.push(t - dueOfSent);
        service.push(t - sentAt);
        dispatch.push(sentAt - dueOfSent);
      }
      outstanding = '';
      const due = backlog.shift();
      if (due !== undefined && !stopped) send(due);
    });
    // One timer per connection re-armed from the due time, so lateness never accumulates.
    let due = t0 + (spec.intervalMs * i) / spec.connections;
    const tick = (): void => {
      if (stopped) return;
      if (outstanding === '') send(due);
      else backlog.push(due);
      due += spec.intervalMs;
      timers[i] = setTimeout(tick, Math.max(0, due - now()));
    };
    timers[i] = setTimeout(tick, Math.max(0, due - now()));
  });
  let w0 = 0;
  let w1 = 0;
  let cpu0 = process.cpuUsage();
  let cpuUs = 0;
  io.onSample(() => {
    if (!measuring && w0 === 0) {
      measuring = true;
      w0 = now();
      cpu0 = process.cpuUsage();
    } else if (measuring) {
      measuring = false;
      w1 = now();
      cpuUs = cpuMicros(cpu0, process.cpuUsage());
    }
    return windowCalls;
  });
  io.ready({ connections: sockets.length });
  await io.finishRequested();
  stopped = true;
  for (const t of timers) clearTimeout(t);
  for (const ws of sockets) ws.terminate();
  const ms = Math.max(1, w1 - w0);
  return {
    calls: windowCalls,
    perSec: (windowCalls * 1000) / ms,
    response: response.percentiles(),
    service: service.percentiles(),
    dispatch: dispatch.percentiles(),
    cpuUsPerCall: cpuUs / Math.max(1, windowCalls),
  };
}

/**
 * SENDs on every connection at its interval: the frame a station's stream writes (its reading
 * and the time it was taken, serialised for each one), with nothing to wait for. A timer per
 * connection, as a plain client would have, re-armed from the due time.
 */
async function sends(spec: Extract<BareSpec, { mode: 'send' }>, io: ChildIo): Promise<BareClosedResult> {
  const { sockets, ms } = await open(spec.url, spec.connections, undefined, 'ocpp2.1');
  const t0 = now();
  const epoch = Date.now() - t0;
  let sent = 0;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  sockets.forEach((ws, i) => {
    let next = 1;
    let due = t0 + (spec.intervalMs * i) / spec.connections;
    const tick = (): void => {
      if (stopped) return;
      const payload = { id: 1, pending: 0, basetime: new Date(epoch + due).toISOString(), data: [{ t: 0, v: String(7360 + (next % 40)) }] };
      ws.send(`[6,"s${next++}","NotifyPeriodicEventStream",${JSON.stringify(payload)}]`);
      sent++;
      due += spec.intervalMs;
      timers[i] = setTimeout(tick, Math.max(0, due - now()));
    };
    timers[i] = setTimeout(tick, Math.max(0, due - now()));
  });
  io.onSample(() => sent);
  io.ready({ connections: sockets.length });
  await io.finishRequested();
  stopped = true;
  for (const t of timers) clearTimeout(t);
  for (const ws of sockets) ws.terminate();
  return { connectMs: ms, roundTrips: sent };
}

serveChild<BareSpec, BareClosedResult | MemoryResult | ConnectResult | LatencyResult>(async (spec, io) => {
  switch (spec.mode) {
    case 'closed':
      return closed(spec, io);
    case 'idle':
      return idle(spec);
    case 'connect':
      return connect(spec);
    case 'open':
      return openLoop(spec, io);
    case 'send':
      return sends(spec, io);
  }
});
