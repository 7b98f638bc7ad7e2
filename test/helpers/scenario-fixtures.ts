import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { ScenarioError } from '../../src/scenario/load';
import { REPO_ROOT } from './fleet-cli';

/** A fixture of test/fixtures/scenarios/, its path as the user would type it from the current directory. */
export function fixture(name: string): string {
  return relative(process.cwd(), join(REPO_ROOT, 'test', 'fixtures', 'scenarios', name));
}

/** The ScenarioError thrown by `run`, checked to be a one-line message with no stack and no path of ours in it. */
export function scenarioError(run: () => unknown): ScenarioError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    assert.equal(err.name, 'ScenarioError');
    assert.doesNotMatch(err.message, /\n/);
    assert.doesNotMatch(err.message, /\bat .+:\d+:\d+/);
    assert.doesNotMatch(err.message, /node_modules|[\\/]dist[\\/]/);
    return err;
  }
  assert.fail('expected a ScenarioError, nothing was thrown');
}
