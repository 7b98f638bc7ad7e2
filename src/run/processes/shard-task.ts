import { FleetRun } from '../../coordinator/run-fleet';
import { Aggregator } from '../../metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../../ocpp';
import { COUNTER_NAMES } from '../../station/counters';
import { resolveRunConfig, type RunConfig } from '../config';
import { stationOptions } from '../fleet-options';
import { writeRunResults, type RunResult } from '../results';
import { describeTargets } from '../targets';
import type { ParentMessage, ProcessMessage, ProcessTask } from './messages';
import { RecordBatch } from './record-batch';

/**
 * The way between a shard and what judges the whole fleet: the IPC channel of a process of a run
 * over several (child-main.ts), or a WebSocket to an aggregator (`run --aggregator`, ws-channel.ts).
 */
export interface ShardChannel {
  send(message: ProcessMessage): void;
  onMessage(listener: (message: ParentMessage) => void): void;
  /** Called once if the other end goes before the shard ended. */
  onGone(listener: () => void): void;
}

/**
 * One shard of a fleet judged elsewhere: its stations in its own workers, started on the epoch
 * it is given, its records and gauges sent as they come, its own results folder written for the
 * record (its own health judged; no thresholds, no fail fast: the other end judges the whole
 * fleet and stops it). It stops at once when the other end goes.
 */
export async function runShardTask(task: ProcessTask, channel: ShardChannel, stop?: AbortSignal): Promise<RunResult> {
  const resolved = resolveRunConfig(task.scenario, task.settings);
  const config: RunConfig = { ...resolved, thresholds: [], health: { ...resolved.health, unreachableAfterMs: null } };
  const targets = config.remoteTargets ?? [];
  const names = { actionNames: ACTION_NAMES, groupNames: config.groups.map((g) => g.name), errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES };
  const aggregator = new Aggregator(names);
  const batch = new RecordBatch((words) => channel.send({ type: 'records', words }));
  let sentGauges = '';
  let epoch: ((ms: number) => void) | undefined;
  const started = new Promise<number>((resolve) => (epoch = resolve));
  const run = new FleetRun({
    plan: config.plan,
    ...stationOptions(config, targets),
    // One worker (a process's default): its stations on this thread, which has little else to do.
    inThread: config.workers === 1,
    aggregator,
    tee: batch,
    startAt: () => {
      channel.send({ type: 'ready' });
      return started;
    },
    // Every gauge tick (200 ms): the records gathered since the last, and the gauges when they
    // changed. Each message costs the other end ~0.1 ms to read whatever it holds: flushed every
    // 100 ms and gauges every tick, a steady fleet's 15 messages a second per process were most
    // of the coordinator's CPU (8 ms a second at 10,000 stations over two processes).
    onSample: (_ms, totals) => {
      batch.flush();
      const gauges = JSON.stringify(totals);
      if (gauges === sentGauges) return;
      sentGauges = gauges;
      channel.send({ type: 'gauges', totals });
    },
  });
  channel.onMessage((m) => {
    if (m.type === 'start') epoch?.(m.epochWallMs);
    else if (m.type === 'stop') {
      // A stop before the start (another shard failed to start): start, and stop at once.
      epoch?.(Date.now());
      run.stop();
      if (m.immediate) run.stop();
    } else if (m.type === 'loseTarget') run.loseTarget(m.target, m.forMs);
  });
  // Its own Ctrl-C or SIGTERM (a pod's): wind down as a run does.
  stop?.addEventListener('abort', () => {
    epoch?.(Date.now());
    run.stop();
  });
  // The other end gone: nobody judges the fleet any more, and its CSMS may be gone too.
  channel.onGone(() => {
    epoch?.(Date.now());
    run.stop();
    run.stop();
  });
  const outcome = await run.run();
  batch.flush();
  const result = await writeRunResults(config, {
    outcome,
    aggregator,
    targets,
    target: describeTargets(targets, false),
    embedded: false,
    aborted: undefined,
    unreachable: undefined,
    csmsDied: false,
    csms: undefined,
    coordinatorFaults: [],
    remoteWrite: undefined,
    dashboard: undefined,
  });
  channel.send({ type: 'result', outcome, dir: result.dir });
  return result;
}
