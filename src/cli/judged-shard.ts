import { endOfRunText } from '../report/run-text';
import { UsageError } from '../run/exit-codes';
import type { RunSettings } from '../run/options';
import { runShardTask } from '../run/processes/shard-task';
import { connectToAggregator } from '../run/processes/ws-channel';
import { redactUrl } from '../run/targets';
import type { Shard } from '../scenario/plan';
import { Interrupts } from './interrupts';

/**
 * `run --shard I/N --aggregator URL`: the shard's stations, judged by the aggregator with the
 * others (src/run/processes/shard-task.ts): no thresholds here (the aggregator's are over the
 * whole fleet), this shard's own folder and health as ever. Exit: this shard's own verdict (3
 * when the aggregator stopped it: the run's verdict, abortOnFail's included, is the aggregator's).
 */
export async function runJudgedShard(file: string, settings: RunSettings, aggregator: string, shard: Shard, quiet: boolean): Promise<number> {
  const channel = await connectToAggregator(aggregator, shard).catch((err: unknown) => {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  });
  process.stderr.write(`shard ${shard.index}/${shard.count}: judged by the aggregator at ${redactUrl(aggregator)}\n`);
  const interrupts = new Interrupts();
  try {
    const result = await runShardTask({ type: 'run', scenario: file, settings }, channel, interrupts.signal);
    if (!quiet) process.stdout.write(endOfRunText(result.summary, result.thresholds, result.dir));
    return result.exitCode;
  } finally {
    interrupts.dispose();
    channel.close();
  }
}
