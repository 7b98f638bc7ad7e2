import { isOcppVersion } from '../ocpp';
import { InputFileProblem, readInputFile, type InputKind } from '../scenario/input-file';
import type { ProbeConfig, ProbeMaterial } from './types';

/**
 * The probe's options, checked once at the edge. Secrets come only from an environment variable
 * or a file, never from a flag's value (it would show in `ps`), and go into ProbeMaterial, which
 * nothing prints. Every problem is a ProbeUsageError with one precise line (exit code 2).
 */
export class ProbeUsageError extends Error {
  override name = 'ProbeUsageError';
}

export interface ProbeOptions {
  identity: string;
  passwordEnv?: string;
  passwordFile?: string;
  ocpp: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  tryPlain?: boolean;
  timeoutMs: number;
}

/** OCPP 2.0.1 caps the identity at 48 characters; 1.6 stations use the same in practice. */
const MAX_IDENTITY = 48;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function probeUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProbeUsageError('URL must be a ws:// or wss:// URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new ProbeUsageError(`URL must start with ws:// or wss://, got "${url.protocol}//"`);
  if (url.username !== '' || url.password !== '') throw new ProbeUsageError('URL must not carry credentials: they would show in the process list');
  if (url.search !== '' || url.hash !== '') throw new ProbeUsageError('URL must not carry a query or a fragment: stations connect to <URL>/<identity>');
  return value.replace(/\/+$/, '');
}

function checkIdentity(identity: string): string {
  // A colon would split the Basic auth user (RFC 7617); control characters have no place in a URL path.
  if (identity.length === 0 || identity.length > MAX_IDENTITY || /[:\p{Cc}]/u.test(identity)) {
    throw new ProbeUsageError(`--identity must be 1 to ${MAX_IDENTITY} characters without ":" or control characters`);
  }
  return identity;
}

/** A flag's file, checked for type and size before it is read (a FIFO or /dev/zero is refused at once). */
function readFlagFile(flag: string, path: string, kind: InputKind): Buffer {
  try {
    return readInputFile(path, kind);
  } catch (err) {
    if (!(err instanceof InputFileProblem)) throw err;
    throw new ProbeUsageError(err.code === undefined ? `the ${flag} file ${path} ${err.message}` : `cannot read the ${flag} file ${path} (${err.code})`);
  }
}

function password(options: ProbeOptions, env: NodeJS.ProcessEnv): { value: string | undefined; source: string | undefined } {
  const { passwordEnv, passwordFile } = options;
  if (passwordEnv !== undefined && passwordFile !== undefined) throw new ProbeUsageError('give --password-env or --password-file, not both');
  if (passwordEnv !== undefined) {
    if (!ENV_NAME.test(passwordEnv)) throw new ProbeUsageError('--password-env takes the name of an environment variable (letters, digits, _)');
    const value = env[passwordEnv];
    if (value === undefined || value === '') throw new ProbeUsageError(`the environment variable ${passwordEnv} (--password-env) is not set or empty`);
    return { value, source: `$${passwordEnv}` };
  }
  if (passwordFile !== undefined) {
    // One trailing line break is how editors and `echo` end a file; it is not part of the password.
    const value = readFlagFile('--password-file', passwordFile, 'secret').toString('utf8').replace(/\r?\n$/, '');
    if (value === '') throw new ProbeUsageError(`the --password-file file ${passwordFile} is empty`);
    return { value, source: `file ${passwordFile}` };
  }
  return { value: undefined, source: undefined };
}

/** Check the URL and options together and read the secrets; throws ProbeUsageError. */
export function resolveProbe(rawUrl: string, options: ProbeOptions, env: NodeJS.ProcessEnv = process.env): { config: ProbeConfig; material: ProbeMaterial } {
  const url = probeUrl(rawUrl);
  const tls = url.startsWith('wss:');
  if (!isOcppVersion(options.ocpp)) throw new ProbeUsageError(`--ocpp must be 1.6, 2.0.1 or 2.1, got "${options.ocpp}"`);
  const identity = checkIdentity(options.identity);
  if ((options.cert === undefined) !== (options.key === undefined)) throw new ProbeUsageError('--cert and --key go together: give both or neither');
  if (!tls) {
    const tlsOnly = (['ca', 'cert', 'insecure', 'tryPlain'] as const).find((k) => options[k] !== undefined && options[k] !== false);
    if (tlsOnly !== undefined) {
      const flag = { ca: '--ca', cert: '--cert', insecure: '--insecure', tryPlain: '--try-plain' }[tlsOnly];
      throw new ProbeUsageError(`${flag} needs a wss:// URL`);
    }
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0 || options.timeoutMs > 60_000) {
    throw new ProbeUsageError('--timeout must be more than 0 and at most 60s');
  }
  const secret = password(options, env);
  const material: ProbeMaterial = Object.freeze({
    password: secret.value,
    ca: options.ca === undefined ? undefined : readFlagFile('--ca', options.ca, 'pem'),
    cert: options.cert === undefined ? undefined : readFlagFile('--cert', options.cert, 'pem'),
    key: options.key === undefined ? undefined : readFlagFile('--key', options.key, 'pem'),
  });
  const config: ProbeConfig = Object.freeze({
    url,
    version: options.ocpp,
    identity,
    passwordSource: secret.source,
    caFile: options.ca,
    certFile: options.cert,
    keyFile: options.key,
    insecure: options.insecure === true,
    tryPlain: options.tryPlain === true,
    timeoutMs: options.timeoutMs,
  });
  return { config, material };
}
