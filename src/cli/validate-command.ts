import type { Command } from 'commander';
import { loadScenario } from '../run/load-scenario';
import { planFleet } from '../scenario/plan';
import { planText } from '../scenario/plan-text';
import { defaultWorkers } from '../run/config';
import { positiveInt } from './options';

/** `ocpp-fleet validate FILE`: check a scenario and print what it would run, without connecting. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file and print its plan (charge points per worker and group, expected calls per second), without connecting')
    .argument('<scenario>', 'scenario file (YAML), or the name of a shipped one')
    .option('--workers <n>', 'worker threads the plan is dealt over', positiveInt('--workers', 64), defaultWorkers(true))
    .action((file: string, flags: { workers: number }) => {
      const scenario = loadScenario(file);
      const plan = planFleet(scenario, scenario.seed);
      process.stdout.write(`${file}: valid\n${planText(plan, { workers: flags.workers, durationMs: scenario.durationMs })}`);
    });
}
