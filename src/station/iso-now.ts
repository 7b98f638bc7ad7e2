/**
 * The wall clock as an ISO 8601 string, made once per millisecond: a ramp or a burst of status
 * reports asks for it thousands of times within the same millisecond, and `toISOString` allocates a
 * Date and formats it each time. Same string, same resolution (`Date.now()` is whole ms).
 */
let madeAt = Number.NaN;
let made = '';

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== madeAt) {
    madeAt = ms;
    made = new Date(ms).toISOString();
  }
  return made;
}
