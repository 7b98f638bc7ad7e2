#!/usr/bin/env node
import { keepNiceInSession } from '../csms/session-priority';
import { runCommandLine } from './program';

/**
 * Output that can no longer be written (`| head`, a `| tee` killed by the same Ctrl-C, a closed
 * terminal) must not end a run before it has written its results: without a listener, the
 * stream's EPIPE error ends the process there and then, and the measurements are lost.
 */
function survivePipeErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

survivePipeErrors();
// The embedded CSMS is this CLI in a session of its own: it keeps the nice value it was given.
keepNiceInSession();
void runCommandLine(process.argv).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
