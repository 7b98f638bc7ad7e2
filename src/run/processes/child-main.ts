import { FleetRun } from '../../coordinator/run-fleet';
import { Aggregator } from '../../metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../../ocpp';
import { COUNTER_NAMES } from '../../station/counters';
import { resolveRunConfig, type RunConfig } from '../config';
import { stationOptions } from '../fleet-options';
import { writeRunResults } from '../results';
import { describeTargets } from '../targets';
import type { ParentMessage, ProcessMessage, ProcessTask } from './messages';
import { RecordBatch } from './record-batch';

/**
 * One process of a run spread over several (`processes`; the parent is process-fleet.ts): its
 * shard of the fleet in its own workers, started on the parent's epoch, its records and gauges
 * sent to the parent as they come (the parent judges the whole fleet), its own results folder
 * written for the record. It judges nothing itself: no thresholds, no fail fast, no health that
 * stops it; the parent stops it. It ignores the terminal's signals (it runs in a session of its
 * own) and stops at once when the parent goes.
 */
const FLUSH_EVERY_MS = 100;

function send(message: ProcessMessage): void {
  // The channel closes with the parent: there is nobody left to tell.
  if (process.connected) process.send?.(message);
}

async function runTask(task: ProcessTask, messages: NodeJS.EventEmitter): Promise<void> {
  const resolved = resolveRunConfig(task.scenario, task.settings);
  // The parent judges thresholds and fail fast on the whole fleet: none here.
  const config: RunConfig = { ...resolved, thresholds: [], health: { ...resolved.health, unreachableAfterMs: null } };
  const targets = config.remoteTargets ?? [];
  const names = { actionNames: ACTION_NAMES, groupNames: config.groups.map((g) => g.name), errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES };
  const aggregator = new Aggregator(names);
  const batch = new RecordBatch((words) => send({ type: 'records', words }));
  const flusher = setInterval(() => batch.flush(), FLUSH_EVERY_MS);
  let epoch: ((ms: number) => void) | undefined;
  const started = new Promise<number>((resolve) => (epoch = resolve));
  const run = new FleetRun({
    plan: config.plan,
    ...stationOptions(config, targets),
    aggregator,
    tee: batch,
    startAt: () => {
      send({ type: 'ready' });
      return started;
    },
    onSample: (_ms, totals) => send({ type: 'gauges', totals }),
  });
  messages.on('message', (m: ParentMessage) => {
    if (m.type === 'start') epoch?.(m.epochWallMs);
    else if (m.type === 'stop') {
      // A stop before the start (another process failed to start): start, and stop at once.
      epoch?.(Date.now());
      run.stop();
      if (m.immediate) run.stop();
    } else if (m.type === 'loseTarget') run.loseTarget(m.target, m.forMs);
  });
  // The parent gone: nobody will read the results, and its CSMS may be gone too.
  process.once('disconnect', () => {
    epoch?.(Date.now());
    run.stop();
    run.stop();
  });
  try {
    const outcome = await run.run();
    batch.flush();
    const target = describeTargets(targets, false);
    const result = await writeRunResults(config, {
      outcome,
      aggregator,
      targets,
      target,
      embedded: false,
      aborted: undefined,
      unreachable: undefined,
      csmsDied: false,
      csms: undefined,
      coordinatorFaults: [],
      remoteWrite: undefined,
      dashboard: undefined,
    });
    send({ type: 'result', outcome, dir: result.dir });
  } finally {
    clearInterval(flusher);
  }
}

process.once('message', (task: ParentMessage) => {
  if (task.type !== 'run') {
    send({ type: 'failed', message: `expected the task first, got "${task.type}"` });
    process.exitCode = 2;
    return;
  }
  runTask(task, process).then(
    () => process.disconnect?.(),
    (err: unknown) => {
      send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
      if (process.connected) process.disconnect?.();
    },
  );
});
