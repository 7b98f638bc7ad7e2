/** An order-sensitive checksum of records, shared by the producer worker and the reading test. */
export function recordChecksumStep(sum: number, w0: number, w1: number, w2: number, w3: number): number {
  let h = sum;
  h = Math.imul(h ^ w0, 0x01000193);
  h = Math.imul(h ^ w1, 0x01000193);
  h = Math.imul(h ^ w2, 0x01000193);
  h = Math.imul(h ^ w3, 0x01000193);
  return h >>> 0;
}
