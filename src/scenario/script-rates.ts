import type { ScriptStep } from './script';
import type { OcppVersionName } from './version-name';

/**
 * The calls one session makes by action, read from its script as the stations in `src/station/`
 * run it: what `validate` and `--dry-run` multiply by the arrival rate. `untilEndPerSession(ms)` is
 * the mean number of meter values sent every `ms` until the planned end (sampled from the plan).
 * A refused session stops at its authorize step and leaves.
 */
export function scriptCalls(
  ocpp: OcppVersionName,
  steps: readonly ScriptStep[],
  refused: boolean,
  untilEndPerSession: (intervalMs: number | undefined) => number,
): Record<string, number> {
  const calls: Record<string, number> = {};
  const add = (action: string, n = 1): void => {
    calls[action] = (calls[action] ?? 0) + n;
  };
  const v16 = ocpp === '1.6';
  const transactionMessage = (action16: string, n = 1): void => add(v16 ? action16 : 'TransactionEvent', n);
  let plugged = false;
  let charging = false;
  let finishing = false;
  let streaming = false;
  const stop = (): void => {
    transactionMessage('StopTransaction');
    // 2.1: the session's periodic event stream closes with it (its SENDs are no calls).
    if (streaming) add('ClosePeriodicEventStream');
    streaming = false;
    if (v16) add('StatusNotification'); // Finishing
    charging = false;
    finishing = true;
  };
  const unplug = (): void => {
    if (charging) stop();
    // 1.6 passes through Finishing even when no transaction ran.
    if (v16 && !finishing) add('StatusNotification');
    add('StatusNotification');
    plugged = false;
    finishing = false;
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'plugIn':
        add('StatusNotification');
        plugged = true;
        break;
      case 'authorize':
        add('Authorize');
        if (refused) {
          if (plugged) unplug();
          return calls;
        }
        break;
      case 'start':
        transactionMessage('StartTransaction');
        if (v16) add('StatusNotification'); // Charging
        charging = true;
        break;
      case 'meterValues':
        transactionMessage('MeterValues', step.count ?? untilEndPerSession(step.intervalMs));
        break;
      case 'suspend':
      case 'resume':
        // 1.6: a connector status; 2.0.1: TransactionEvent Updated (ChargingStateChanged).
        add(v16 ? 'StatusNotification' : 'TransactionEvent');
        break;
      case 'stop':
        stop();
        break;
      case 'unplug':
        unplug();
        break;
      case 'send':
        add(step.action);
        break;
      case 'stream':
        add('OpenPeriodicEventStream');
        streaming = true;
        break;
      case 'discharge':
        // 2.1: TransactionEvent Updated, trigger OperationModeChanged.
        add('TransactionEvent');
        break;
      default:
        break;
    }
  }
  if (plugged) unplug();
  return calls;
}
