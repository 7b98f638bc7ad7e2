import { createInterface } from 'node:readline/promises';
import type { ConfirmQuestion } from '../run/staging-safety';

/** The question on a terminal (stdin and stderr both); undefined without one, where only --yes confirms. */
export function terminalQuestion(): ConfirmQuestion | undefined {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  };
}
