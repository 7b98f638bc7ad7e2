import { statSync } from 'node:fs';
import { InputFileProblem, readInputText, type InputKind } from '../scenario/input-file';
import { identityPasswords } from '../scenario/identities';
import type { GroupSpec } from '../scenario/types';
import type { StationSecurity } from '../thread/messages';
import { UsageError } from './exit-codes';

/**
 * The stations' side of the OCPP security profiles, from run()'s options (the CLI's flags): 1 = Basic auth over
 * ws://, 2 = wss:// + Basic auth, 3 = wss:// with client certificates. Secrets are never flag
 * values (they would show in `ps` and in shell history): passwords come from an environment
 * variable or a file, and nothing here ever prints one.
 */
export interface SecurityFlags {
  ca?: string;
  insecure?: boolean;
  passwordEnv?: string;
  passwordFile?: string;
  passwordTemplate?: string;
  secretEnv?: string;
  secretFile?: string;
  clientCert?: string;
  clientKey?: string;
  clientCerts?: string;
}

export interface ResolvedSecurity {
  security: StationSecurity;
  passwordOf: ((identity: string) => string | undefined) | undefined;
  /** What was configured, without any secret: for summary.json's settings. */
  describe: Record<string, string>;
}

/** A flag's file, checked for type and size before it is read (input-file.ts). */
function readText(path: string, flag: string, kind: InputKind): string {
  try {
    return readInputText(path, kind);
  } catch (err) {
    if (!(err instanceof InputFileProblem)) throw err;
    throw new UsageError(err.code === undefined ? `${flag} ${path}: ${err.message}` : `${flag}: cannot read ${path} (${err.code})`);
  }
}

/** --client-certs names a folder; the stations read their files from it as they connect. */
function checkFolder(path: string, flag: string): void {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!folder) throw new UsageError(`${flag} ${path}: is not a folder`);
}

function envValue(name: string, flag: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new UsageError(`${flag} ${name}: the environment variable is not set`);
  return value;
}

/** identity,password lines; a first line naming the columns is a header. */
export function parsePasswordCsv(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && /^identity\s*,\s*password/i.test(line))) return;
    const comma = line.indexOf(',');
    // The line is not quoted back: it holds a password.
    if (comma <= 0) throw new UsageError(`${file}:${i + 1}: expected "identity,password"`);
    out.set(line.slice(0, comma).trim(), line.slice(comma + 1).trim());
  });
  return out;
}

function passwords(flags: SecurityFlags, describe: Record<string, string>): ((identity: string) => string | undefined) | undefined {
  const sources = [flags.passwordEnv, flags.passwordFile, flags.passwordTemplate].filter((x) => x !== undefined);
  if (sources.length > 1) throw new UsageError('give one of --password-env, --password-file, --password-template');
  if (flags.passwordEnv !== undefined) {
    const password = envValue(flags.passwordEnv, '--password-env');
    describe.auth = `basic, password from $${flags.passwordEnv}`;
    return () => password;
  }
  if (flags.passwordFile !== undefined) {
    const table = parsePasswordCsv(readText(flags.passwordFile, '--password-file', 'passwords'), flags.passwordFile);
    describe.auth = `basic, passwords of ${table.size} stations from ${flags.passwordFile}`;
    return (identity) => table.get(identity);
  }
  if (flags.passwordTemplate !== undefined) {
    const template = flags.passwordTemplate;
    if (!template.includes('{secret}')) throw new UsageError('--password-template must contain {secret} (the secret never goes on the command line)');
    if ((flags.secretEnv === undefined) === (flags.secretFile === undefined)) {
      throw new UsageError('--password-template needs exactly one of --secret-env and --secret-file');
    }
    const secret =
      flags.secretEnv !== undefined
        ? envValue(flags.secretEnv, '--secret-env')
        : (readText(flags.secretFile as string, '--secret-file', 'secret').split(/\r?\n/)[0] ?? '').trim();
    if (secret === '') throw new UsageError('--secret-file: the first line is empty');
    describe.auth = `basic, passwords from the template ${template}`;
    return (identity) => template.replace(/\{identity\}/g, identity).replace(/\{secret\}/g, secret);
  }
  if (flags.secretEnv !== undefined || flags.secretFile !== undefined) throw new UsageError('--secret-env and --secret-file go with --password-template');
  return undefined;
}

export function resolveSecurity(flags: SecurityFlags, url: string | undefined): ResolvedSecurity {
  const describe: Record<string, string> = {};
  const passwordOf = passwords(flags, describe);
  const tls = url?.startsWith('wss:') ?? false;
  const tlsOnly = ['ca', 'insecure', 'clientCert', 'clientKey', 'clientCerts'] as const;
  const given = tlsOnly.filter((k) => flags[k] !== undefined);
  if (!tls && given.length > 0) throw new UsageError(`--${given[0]?.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs a wss:// --url`);
  if ((flags.clientCert === undefined) !== (flags.clientKey === undefined)) throw new UsageError('--client-cert and --client-key go together');
  if (flags.clientCert !== undefined && flags.clientCerts !== undefined) throw new UsageError('give --client-cert or --client-certs, not both');
  if (flags.clientCerts !== undefined) checkFolder(flags.clientCerts, '--client-certs');
  const security: StationSecurity = {
    verifyTls: flags.insecure !== true,
    ...(flags.ca === undefined ? {} : { extraCa: readText(flags.ca, '--ca', 'pem') }),
    ...(flags.clientCert === undefined
      ? {}
      : { clientCert: { cert: readText(flags.clientCert, '--client-cert', 'pem'), key: readText(flags.clientKey as string, '--client-key', 'pem') } }),
    ...(flags.clientCerts === undefined ? {} : { clientCertDir: flags.clientCerts }),
  };
  if (tls) describe.tls = flags.insecure ? 'certificate NOT verified (--insecure)' : `verified${flags.ca ? ` (system CAs + ${flags.ca})` : ''}`;
  if (flags.clientCert !== undefined) describe.clientCertificate = flags.clientCert;
  if (flags.clientCerts !== undefined) describe.clientCertificates = `${flags.clientCerts}/<identity>.pem`;
  return { security, passwordOf, describe };
}

/**
 * Passwords from the groups' identities files come first; a station whose row leaves the password
 * empty takes the --password-* flags' (if any). The settings say where passwords came from, never what.
 */
export function withIdentityPasswords(security: ResolvedSecurity, groups: readonly GroupSpec[]): ResolvedSecurity {
  const table = identityPasswords(groups);
  if (table.size === 0) return security;
  const files = groups.filter((g) => g.identities?.rows.some((r) => r.password !== undefined)).map((g) => g.identities?.written);
  const fromFiles = `basic, passwords of ${table.size} stations from ${files.join(', ')}`;
  const fallback = security.passwordOf;
  return {
    ...security,
    passwordOf: (identity) => table.get(identity) ?? fallback?.(identity),
    describe: { ...security.describe, auth: security.describe.auth === undefined ? fromFiles : `${fromFiles}; the others ${security.describe.auth}` },
  };
}
