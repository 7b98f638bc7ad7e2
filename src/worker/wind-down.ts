/**
 * How long the end of a run takes to stop the transactions that are running: one worker's share.
 *
 * Stopping every transaction in the same millisecond would be a burst of the tool's own making,
 * whose queueing lands in the latency figures, so the stops are spread at a pace set for the
 * whole fleet (the coordinator gives each worker its share of it, and each process of a fleet
 * spread over several its share first, as with --max-rate). A pace per worker, as before, grew
 * with the processes: 100,000 stations over six processes stopped 40,000 sessions in 3 s, 13,000
 * stops a second on two cores, and the run's last seconds measured the machine's own queue
 * (StopTransaction p50 1.9 s). At most half the grace period, so that the stops' answers have
 * the other half; a handful of stops is not a burst worth waiting for.
 */
export function windDownSpreadMs(busy: number, graceMs: number, stopsPerSec: number): number {
  if (busy <= 1 || !(stopsPerSec > 0)) return 0;
  return Math.min(graceMs / 2, (busy * 1000) / stopsPerSec);
}
