import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { actionsOf, prepareValidators } from '../ocpp';
import type { StationGroup } from '../station/group';
import type { Station } from '../station/station';
import { TargetList } from '../station/targets';
import type { CoordinatorMessage, TargetCount, WorkerMessage, WorkerResult, WorkerSaturation, WorkerTask } from '../thread/messages';
import { FaultRunner } from './faults';
import { LiveFleet } from './live-fleet';
import { WorkerRuntime } from './runtime';
import { SaturationPulse } from './saturation-pulse';
import { windDownSpreadMs } from './wind-down';
import { StationFactory } from './station-factory';

/**
 * The piscina task a worker runs for the whole run: build its share of stations, execute their
 * schedule on one scheduler, and wind down when the coordinator says stop. Measurements leave
 * through the ring; only start-up and shutdown go through the port.
 */
async function runWorker(task: WorkerTask): Promise<WorkerResult> {
  const groups: StationGroup[] = task.groups.map((g) => ({ ...g }));
  // Compile the validators of what stations send before the first one connects: ~0.1–0.3 s that
  // must not land in any call's latency (what a CSMS asks is compiled when it first asks).
  const versions = new Set(groups.map((g) => g.version));
  for (const a of task.stations) if (a.ocpp !== undefined) versions.add(a.ocpp);
  for (const version of versions) prepareValidators(version, actionsOf(version).station);

  const targets = task.targetUrls === undefined ? undefined : new TargetList(task.targetUrls);
  const rt = new WorkerRuntime(task.baseUrl, task.security, groups, task.ring, task.gauges, task.maxCallsPerSec, task.localAddresses, targets);
  const factory = new StationFactory(rt, groups, task.stations);
  task.stations.forEach((a, i) => {
    // A live run counts a station as planned when it starts it.
    if (task.live !== true) (rt.outcomes[a.group] as { planned: number }).planned++;
    rt.stations.push(factory.build(i));
  });
  const live = task.live === true ? new LiveFleet(rt, task.stations, (i) => factory.build(i), task.gracefulStopMs) : undefined;
  const pulse = live === undefined ? undefined : new SaturationPulse(rt);
  const faults = task.faults === undefined || task.faults.length === 0 ? undefined : new FaultRunner(task.faults, rt, task.stations);
  const port = task.port;
  const send = (m: WorkerMessage): void => port.postMessage(m);
  send({ type: 'ready', stations: rt.stations.length });
  const start = await nextMessage(port);
  // Measured from the start of the load to the end of the graceful stop: start-up (schemas,
  // stations) and the final teardown are the worker's own business, not delays of the load.
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
  if (start.type === 'start') {
    rt.setEpoch(start.epochWallMs);
    // A live run's stations start when a resize asks for them.
    if (live === undefined) task.stations.forEach((a, i) => (rt.stations[i] as Station).start(rt.atEpochOffset(a.connectAtMs)));
    pulse?.start();
    faults?.arm();
  }

  // The ring is drained by the coordinator; whatever it could not take yet is retried here.
  const flusher = setInterval(() => rt.flush(), 20);
  const stop = start.type === 'stop' ? start : await untilStop(port, rt, live);
  live?.end();
  pulse?.stop();
  if (stop.type === 'stop' && !stop.immediate) await windDown(rt, task.gracefulStopMs, task.windDownStopsPerSec, port);
  loopDelay.disable();
  const perTarget = targets === undefined ? undefined : countPerTarget(rt, targets.size);
  for (const s of rt.stations) s.shutdown();
  rt.scheduler.stop();
  rt.stopGate();
  await settle();
  // What is still queued never went on the wire: recorded as never sent (runEnded), per group.
  let undelivered = live?.undelivered ?? 0;
  for (const s of rt.stations) undelivered += s.endRun();
  clearInterval(flusher);
  // The last frames' bytes go with the final flush.
  for (let done = rt.flush(true); !done; done = rt.flush()) await new Promise((r) => setTimeout(r, 5));
  send({ type: 'closed' });
  port.close();
  return {
    workerIndex: task.workerIndex,
    groups: rt.outcomes,
    recordsWritten: rt.recordsWritten,
    undelivered,
    ...(perTarget === undefined ? {} : { targets: perTarget }),
    ...(faults === undefined ? {} : { faults: faults.outcomes() }),
    ...(rt.errorSamples.size === 0 ? {} : { errorSamples: Object.fromEntries(rt.errorSamples) }),
    saturation: saturation(loopDelay, rt),
    ...(live === undefined ? {} : { live: live.outcome }),
  };
}

/** The event-loop delay monitor's tick: 100 wake-ups a second, negligible next to the stations'. */
const LOOP_RESOLUTION_MS = 10;

/**
 * The worker's own saturation. monitorEventLoopDelay samples the time between its timer's ticks,
 * the resolution included (an idle loop reads ~10 ms): the delay is what exceeds the resolution.
 */
function saturation(h: IntervalHistogram, rt: WorkerRuntime): WorkerSaturation {
  const delay = (ns: number): number => (h.count === 0 ? 0 : Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 1000) / 1000));
  return {
    eventLoopDelayMs: { count: h.count, p50: delay(h.percentile(50)), p99: delay(h.percentile(99)), max: delay(h.max) },
    schedulerLagMs: rt.scheduler.lag.figures(),
  };
}

/** Messages while the run goes: a lost target and a live run's resize are acted on at once; 'stop' ends the wait. */
async function untilStop(port: WorkerTask['port'], rt: WorkerRuntime, live: LiveFleet | undefined): Promise<CoordinatorMessage> {
  for (;;) {
    const m = await nextMessage(port);
    if (m.type === 'loseTarget') loseTarget(rt, m.target, m.forMs);
    else if (m.type === 'resize') live?.resize(m.active, m.rampMs, m.atMs);
    else return m;
  }
}

function loseTarget(rt: WorkerRuntime, target: number, forMs: number): void {
  rt.targets?.loseUntil(target, rt.now() + forMs);
  for (const s of rt.stations) s.loseTarget(target);
}

function countPerTarget(rt: WorkerRuntime, size: number): TargetCount[] {
  const out: TargetCount[] = Array.from({ length: size }, () => ({ stations: 0, connected: 0 }));
  for (const s of rt.stations) {
    const t = out[s.targetIndex];
    if (t === undefined) continue;
    t.stations++;
    if (s.connected) t.connected++;
  }
  return out;
}

function nextMessage(port: WorkerTask['port']): Promise<CoordinatorMessage> {
  return new Promise((resolve) => port.once('message', resolve));
}

/**
 * Stop running transactions, let their messages be answered, then close. A second stop message
 * from the coordinator (a second Ctrl-C) or the grace period ends the wait.
 */
async function windDown(rt: WorkerRuntime, graceMs: number, stopsPerSec: number, port: WorkerTask['port']): Promise<void> {
  rt.stopping = true;
  // Only stations in the middle of a session have stops to send; the others wind down at once.
  const now = rt.now();
  const busy = rt.stations.filter((s) => s.inSession);
  const spread = windDownSpreadMs(busy.length, graceMs, stopsPerSec);
  for (const s of rt.stations) if (!s.inSession) s.windDownAt(now);
  busy.forEach((s, i) => s.windDownAt(now + (spread * i) / busy.length));
  const deadline = now + graceMs;
  let cut = false;
  const onMessage = (m: CoordinatorMessage): void => {
    if (m.type === 'stop') cut = true;
    else if (m.type === 'loseTarget') loseTarget(rt, m.target, m.forMs);
  };
  port.on('message', onMessage);
  while (!cut && rt.now() < deadline) {
    let busy = rt.now() < now + spread;
    for (const s of rt.stations) {
      // Also a station offline with transaction messages queued: it reconnects to deliver them.
      if (!s.settled) {
        busy = true;
        break;
      }
    }
    if (!busy) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  port.off('message', onMessage);
}

/** Let close events of terminated sockets run, so pending calls are counted as aborted. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 50));
}

export = runWorker;
