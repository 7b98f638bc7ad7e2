/**
 * The texts of the error samples a session gives (summary.json `errorSamples`): built only for the
 * first error of a kind in a worker, never on the hot path. A peer's text is clipped: a sample
 * is there to recognise what happened, not to hold a frame.
 */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** An answer whose id is not the outstanding call's: late (its call timed out) or unknown. */
export function strayAnswerText(late: boolean, id: string, errorCode: string): string {
  const answer = errorCode === '' ? 'a CALLRESULT' : `a CALLERROR (${errorCode})`;
  return `${answer} for message id "${clip(id)}", ${late ? 'whose call had timed out' : 'which no call waits for'}`;
}

/**
 * The ids of the last calls that timed out, so that their answers count as late rather than
 * unknown. Several, not one: a CSMS that answers every call twice the timeout late answers call n
 * after call n+1 has timed out too. Made on a session's first timeout: a healthy link never pays.
 */
export class TimedOutIds {
  private readonly ids: string[];
  private next = 0;

  /** `kept`: how many timed-out call ids are remembered. */
  constructor(kept = 8) {
    this.ids = new Array<string>(kept).fill('');
  }

  remember(id: string): void {
    this.ids[this.next] = id;
    this.next = (this.next + 1) % this.ids.length;
  }

  has(id: string): boolean {
    return id !== '' && this.ids.includes(id);
  }
}
