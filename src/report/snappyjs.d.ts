/** The part of snappyjs (MIT, no dependencies; it ships no types of its own) that remote write uses. */
declare module 'snappyjs' {
  /** Snappy's block format, as Prometheus remote write expects it (not the framed stream format). */
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array): Uint8Array;
}
