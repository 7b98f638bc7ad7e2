import type { Command } from 'commander';
import { loadScenarioFile } from '../scenario/load';
import { planFleet } from '../scenario/plan';
import { formatDuration } from '../scenario/units';

/** `ocpp-fleet validate FILE`: check a scenario and print what it would run, without connecting. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file and print its plan, without connecting')
    .argument('<scenario>', 'scenario file (YAML)')
    .action((file: string) => {
      const scenario = loadScenarioFile(file);
      const plan = planFleet(scenario, scenario.seed);
      const lines = [
        `${file}: valid`,
        `scenario ${scenario.name}: ${plan.stations.length} charge points, duration ${formatDuration(scenario.durationMs)}, seed ${scenario.seed}`,
      ];
      for (const g of scenario.groups) {
        const ramp = Number.isFinite(g.rampPerSec) ? `${g.rampPerSec}/s` : 'all at once';
        lines.push(
          `  group ${g.name}: ${g.count} × OCPP ${g.ocpp}, ${g.connectors} connector(s), ramp ${ramp}, ` +
            `sessions every ~${formatDuration(g.sessions.meanIdleMs)} for ${formatDuration(g.sessions.durationMs)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
