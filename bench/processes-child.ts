/**
 * Case 12's fleet: `run()` with `processes`, in a process of its own, so that the parent reads
 * the CPU and memory of the whole tree (this process, the coordinator, and its shard processes)
 * from /proc. Unlike fleet-child.ts this goes through run(): a fleet spreads over processes only
 * there. What run() does beyond the stations (health judged each second, the results folder)
 * happens once a second or after the window, and is part of what a user's run costs.
 */
import { run } from '../src/index';
import type { ScenarioObject } from '../src/run/load-scenario';
import { serveChild } from './lib/child';
import type { ProcessesResult, ProcessesSpec } from './lib/specs';

function scenario(spec: ProcessesSpec): ScenarioObject {
  return {
    name: 'bench-processes',
    duration: `${Math.ceil(spec.capMs / 1000)}s`,
    seed: 1,
    callTimeout: '30s',
    // Long enough for the few sessions a large fleet draws within minutes (see sessions below) to
    // stop and be answered: cut short, their last messages are never sent, an error of the run.
    gracefulStop: '5s',
    groups: [
      {
        name: 'cp',
        count: spec.stations,
        ocpp: '1.6',
        connectors: 1,
        identity: 'PROC-{index:06}',
        ramp: spec.rampPerSec > 0 ? `${spec.rampPerSec}/s` : 'all',
        heartbeatInterval: `${spec.heartbeatMs}ms`,
        // The bare clients send no WebSocket pings: neither does the fleet here. Its default, a ping
        // every 30 s, is N / 30 round trips a second more than the calls counted (1,333/s at 40,000).
        pingInterval: '0s',
        // Almost no session starts during a bench: the load is boot, status and heartbeats (as
        // fleet-child.ts's). The first arrival is drawn with a mean of 500 h, so 40,000 stations
        // draw about two within the minute and a half of a run; the responder answers them.
        sessions: { idle: '500h', duration: '1m', meterInterval: '1m', powerKw: 11 },
      },
    ],
  };
}

serveChild<ProcessesSpec, ProcessesResult>(async (spec, io) => {
  const stop = new AbortController();
  let booted = false;
  void io.finishRequested().then(() => stop.abort());
  const result = await run({
    scenario: scenario(spec),
    url: spec.urls,
    processes: spec.processes,
    workers: 1,
    out: spec.out,
    // A bench on a loaded machine must not stop itself on the generator's own delays.
    health: ['off'],
    signal: stop.signal,
    onProgress: (p) => {
      if (booted || p.gauges.total.booted < spec.stations) return;
      booted = true;
      io.ready({ timeToAllBootedMs: p.second * 1000 });
    },
  });
  const s = result.summary;
  return { booted: s.fleet.booted, errors: s.errors, errorSamples: s.errorSamples ?? {}, verdict: `${result.reason} (exit ${result.exitCode})${result.message === undefined ? '' : `: ${result.message}`}`, ...(s.processes?.died === undefined ? {} : { died: s.processes.died }) };
});
