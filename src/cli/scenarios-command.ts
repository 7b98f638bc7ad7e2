import type { Command } from 'commander';
import { DEFAULT_SCENARIO_NAME, SHIPPED_DIR, shippedScenarios } from '../scenario/shipped';

/** `ocpp-fleet scenarios`: the shipped scenarios, each with its one-line description. */
export function registerScenariosCommand(program: Command): void {
  program
    .command('scenarios')
    .description('list the scenarios shipped with ocpp-fleet, each runnable by name (ocpp-fleet run smoke)')
    .option('--json', 'print them as JSON: [{name, description, path}]')
    .action((flags: { json?: boolean }) => {
      const list = shippedScenarios();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(...list.map((s) => s.name.length));
      const lines = list.map((s) => `${s.name.padEnd(width)}  ${s.description}`);
      process.stdout.write(`${lines.join('\n')}\n\nrun one by name: ocpp-fleet run ${DEFAULT_SCENARIO_NAME}; the files are in ${SHIPPED_DIR}\n`);
    });
}
