import type { JsonObject } from '../ocpp';
import type { ScriptStep } from '../scenario/script';
import { Phase, type Connector, type Transaction } from './connector';
import { AfterClose } from './station-timers';

/**
 * What a step may do with its station's charging sessions (Charging implements it with methods of
 * its prototype: no closure per station or per step). What each means on the wire is the version
 * object's.
 */
export interface StepHost {
  scriptPlugIn(c: Connector, due: number): void;
  /** True when the tag counts as accepted at once; false when the Authorize answer is awaited. */
  scriptAuthorize(c: Connector, due: number): boolean;
  scriptStart(c: Connector, due: number): void;
  /** Arm the connector's one timer slot: the running step resumes at `at`. */
  scriptTimer(c: Connector, at: number): void;
  readonly meterIntervalMs: number;
  scriptMeterValues(c: Connector, tx: Transaction, due: number): void;
  scriptSuspend(c: Connector, tx: Transaction, by: Connector['suspended'], due: number): void;
  /** OCPP 2.1 V2X: energy flows back from the EV at `powerW` until `resume` or the stop. */
  scriptDischarge(c: Connector, tx: Transaction, powerW: number, due: number): void;
  scriptStop(c: Connector, reason: string | undefined, due: number): void;
  scriptUnplug(c: Connector, due: number): void;
  scriptSend(action: string, payload: JsonObject, due: number): void;
  /** OCPP 2.1: open a periodic event stream of the connector's power. */
  scriptStream(c: Connector, intervalMs: number, values: number, due: number): void;
  /** A frame as written; the answer to `id`, if it is a CALL, is matched and counted. */
  sendRaw(frame: string, id: string | undefined): void;
  /** disconnect (back after the backoff) and reconnect (at once). */
  closeSocket(after: AfterClose.Reconnect | AfterClose.ReconnectNow): void;
  /** Transactions stop with `stopReason`; the station closes, connects and boots again. */
  softReboot(stopReason: string, cause: 'LocalReset'): void;
}

/**
 * Run one step of a connector's script at `at`. True: the step is done, the next one follows at
 * once. False: the step waits, for the connector's timer (wait, meterValues: `c.stepLeft` then says
 * how far it got) or for an answer (authorize); it is called again when that comes. A step that
 * finds no transaction to act on (the CSMS refused it meanwhile) is done at once.
 */
export function runStep(host: StepHost, c: Connector, step: ScriptStep, at: number): boolean {
  switch (step.kind) {
    case 'plugIn':
      host.scriptPlugIn(c, at);
      return true;
    case 'authorize':
      return host.scriptAuthorize(c, at);
    case 'start':
      host.scriptStart(c, at);
      return true;
    case 'wait':
      if (c.stepLeft >= 0) return true;
      c.stepLeft = 0;
      host.scriptTimer(c, at + step.ms);
      return false;
    case 'meterValues':
      return meterValues(host, c, step.count, step.intervalMs ?? host.meterIntervalMs, at);
    case 'suspend':
    case 'resume': {
      const tx = running(c);
      if (tx !== null) host.scriptSuspend(c, tx, step.kind === 'resume' ? '' : step.by === 'EV' ? 'SuspendedEV' : 'SuspendedEVSE', at);
      return true;
    }
    case 'stop':
      host.scriptStop(c, step.reason, at);
      return true;
    case 'unplug':
      host.scriptUnplug(c, at);
      return true;
    case 'send':
      // The payload was checked against the schema when the scenario loaded; the session checks it again.
      host.scriptSend(step.action, step.payload as JsonObject, at);
      return true;
    case 'raw':
      host.sendRaw(step.frame, step.id);
      return true;
    case 'stream':
      host.scriptStream(c, step.intervalMs, step.values, at);
      return true;
    case 'discharge': {
      const tx = running(c);
      if (tx !== null) host.scriptDischarge(c, tx, step.powerW, at);
      return true;
    }
    case 'disconnect':
    case 'reconnect':
      host.closeSocket(step.kind === 'reconnect' ? AfterClose.ReconnectNow : AfterClose.Reconnect);
      return true;
    case 'reboot':
      // As after a Reset: every transaction stops (Reboot) and the station boots again.
      host.softReboot('Reboot', 'LocalReset');
      return true;
  }
}

function running(c: Connector): Transaction | null {
  return c.phase === Phase.Charging && c.tx !== null && !c.tx.ended ? c.tx : null;
}

/**
 * Meter values every `intervalMs` from the step's start: `count` of them, or (count undefined)
 * until the session's planned end, when the step ends without one (the stop reads the meter).
 */
function meterValues(host: StepHost, c: Connector, count: number | undefined, intervalMs: number, at: number): boolean {
  const tx = running(c);
  if (tx === null) return true;
  if (c.stepLeft < 0) {
    c.stepLeft = count ?? 0;
  } else {
    if (count === undefined && at >= tx.endsAt) return true;
    host.scriptMeterValues(c, tx, at);
    if (count !== undefined && --c.stepLeft <= 0) return true;
  }
  if (count === undefined && at >= tx.endsAt) return true;
  host.scriptTimer(c, count === undefined ? Math.min(at + intervalMs, tx.endsAt) : at + intervalMs);
  return false;
}

/** Whether `text` is a CALLRESULT or CALLERROR to the message id `id` (a raw frame's answer). */
export function isAnswerTo(text: string, id: string): boolean {
  if (!text.includes(id)) return false;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return false;
  }
  return Array.isArray(frame) && (frame[0] === 3 || frame[0] === 4) && frame[1] === id;
}
