import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../run/exit-codes';
import { EDITOR_SCHEMA_PATH } from '../scenario/editor-schema';
import { starterScenario } from '../scenario/starter';

/** `ocpp-fleet init [FILE]`: a commented starter scenario, pointed at the package's schema for editors. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('write a commented starter scenario (a small mixed 1.6J / 2.0.1 fleet) that editors complete and check against the shipped schema')
    .argument('[file]', 'the scenario file to write', 'scenario.yaml')
    .option('--force', 'overwrite the file if it exists')
    .action((file: string, flags: { force?: boolean }) => {
      const path = resolve(file);
      // A name the loader accepts: the file's, with anything else turned into "-".
      const name = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'my-fleet';
      // Relative, so that the line holds when the project folder moves with its node_modules.
      const schemaRef = relative(dirname(path), EDITOR_SCHEMA_PATH).split(sep).join('/');
      try {
        writeFileSync(path, starterScenario(name, schemaRef), { flag: flags.force ? 'w' : 'wx' });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EEXIST') throw new UsageError(`${file} exists: choose another name, or --force to overwrite it`);
        throw new UsageError(`${file}: cannot write it (${e.code ?? e.message})`);
      }
      process.stdout.write(`wrote ${file}: check it with \`ocpp-fleet validate ${file}\`, run it with \`ocpp-fleet run ${file}\`\n`);
    });
}
