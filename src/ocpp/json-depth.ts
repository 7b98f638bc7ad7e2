/**
 * How deep a frame's JSON nests, checked before it is parsed. V8's JSON.parse builds a value nested
 * 100,000 deep without complaint, but every recursive walk of it afterwards (JSON.stringify of a
 * frame's part, schema validation) overflows the stack: a CSMS sending one would crash the worker.
 * No OCPP message nests deeper than about ten levels (2.0.1's charging schedules are the deepest).
 */
export const MAX_FRAME_DEPTH = 64;

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** Whether `text` holds more than `max` of the character `c` (indexOf runs natively: no loop over every character). */
function moreThan(text: string, c: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) if (++n > max) return true;
  return false;
}

/**
 * Whether `text`'s arrays and objects nest deeper than `max`, brackets inside strings not counted.
 * Cheap for every frame an OCPP peer sends: a text needs two characters per level and a level per
 * opening bracket, so a short text, or one with few brackets, is never scanned character by character.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false;
  if (!moreThan(text, '{', max / 2) && !moreThan(text, '[', max / 2)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
