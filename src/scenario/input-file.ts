import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/**
 * Files the user points the tool at (a scenario, an identities CSV, a password file, a PEM
 * certificate, …), read only when they are what they claim to be: a regular file under a size
 * cap per kind. `identities: /dev/zero` would otherwise grow without end and a FIFO would block
 * the read for ever; a cap far above any real file of the kind refuses a mistake in an instant.
 */
export const INPUT_LIMITS = {
  /** A scenario file: a 4,095-group file written out long-hand is ~400 KB. */
  scenario: 1024 * 1024,
  /** An identities CSV: 1,000,000 stations (the largest fleet) of ~60 bytes each. */
  identities: 64 * 1024 * 1024,
  /** A password CSV (`identity,password`), as large as an identities file. */
  passwords: 64 * 1024 * 1024,
  /** A PEM certificate, key or CA bundle (a system bundle is ~220 KB). */
  pem: 4 * 1024 * 1024,
  /** A file holding one secret or one password (its first line is used). */
  secret: 64 * 1024,
  /** A results file read by compare or merge (summary.json, the histogram logs): the longest text Node holds. */
  results: 512 * 1024 * 1024,
} as const;

export type InputKind = keyof typeof INPUT_LIMITS;

/**
 * Why a file was not read: `is a directory, not a file`, `is 5.2 MiB, more than the 1 MiB a
 * scenario file may be`, or the system's `cannot read the file (ENOENT: no such file or directory)`
 * (then `code` is the system's code).
 */
export class InputFileProblem extends Error {
  override name = 'InputFileProblem';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function systemProblem(err: unknown): InputFileProblem {
  const e = err as NodeJS.ErrnoException;
  // "ENOENT: no such file or directory, open 'x.yaml'": the path is said by the caller already.
  return new InputFileProblem(`cannot read the file (${(e.message ?? 'error').split(',')[0]})`, e.code ?? 'error');
}

const KIND_NAMES: Readonly<Record<InputKind, string>> = {
  scenario: 'a scenario file',
  identities: 'an identities file',
  passwords: 'a password file',
  pem: 'a PEM file',
  secret: 'a secret file',
  results: 'a results file',
};

/** What a path is when it is not a regular file, in words. */
function typeOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(size: number | string, kind: InputKind): InputFileProblem {
  const limit = formatBytes(INPUT_LIMITS[kind]);
  // Just above the cap, rounding would say "1 MiB, more than the 1 MiB": then the bytes.
  const shown = typeof size === 'string' ? size : formatBytes(size) === limit ? `${size.toLocaleString('en-US')} bytes` : formatBytes(size);
  return new InputFileProblem(`is ${shown}, more than the ${limit} ${KIND_NAMES[kind]} may be`);
}

/**
 * The bytes of `path`, checked before anything is read: a regular file (not a directory, device,
 * FIFO or socket) of at most INPUT_LIMITS[kind] bytes. The file is opened without blocking (a FIFO
 * would wait for a writer) and judged by what was opened, so it cannot be swapped in between;
 * the read stops at the cap even if the file grows meanwhile. Throws InputFileProblem, or the
 * system's error (ENOENT, EACCES, …) as `cannot read … (CODE)`.
 */
export function readInputFile(path: string, kind: InputKind): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw systemProblem(err);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileProblem(`is ${typeOf(stats)}, not a file`);
    const limit = INPUT_LIMITS[kind];
    if (stats.size > limit) throw tooLarge(stats.size, kind);
    const chunks: Buffer[] = [];
    let length = 0;
    // The first read asks for one byte more than fstat saw: a file that grew since is read on,
    // and the whole read stops one byte past the cap.
    let want = stats.size + 1;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > limit) throw tooLarge(`more than ${formatBytes(limit)}`, kind);
      want = 64 * 1024;
    }
    return Buffer.concat(chunks, length);
  } catch (err) {
    if (err instanceof InputFileProblem) throw err;
    throw systemProblem(err);
  } finally {
    closeSync(fd);
  }
}

/** The text of `path` (UTF-8), checked as readInputFile checks it. */
export function readInputText(path: string, kind: InputKind): string {
  return readInputFile(path, kind).toString('utf8');
}

/**
 * The same checks without reading, for files another part of the program reads later (the embedded
 * CSMS's certificates, a results folder's summary): undefined when the path is a regular file
 * within the cap, else the problem in words.
 */
export function inputFileProblem(path: string, kind: InputKind): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    return systemProblem(err).message;
  }
  if (!stats.isFile()) return `is ${typeOf(stats)}, not a file`;
  if (stats.size > INPUT_LIMITS[kind]) return tooLarge(stats.size, kind).message;
  return undefined;
}
