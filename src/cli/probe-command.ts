import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  ProbeUnreachableError,
  ProbeUsageError,
  reportJson,
  reportMarkdown,
  reportText,
  resolveProbe,
  runProbe,
  type ProbeOptions,
} from '../probe';
import { ExitCode, UsageError } from '../run/exit-codes';
import { duration } from './options';
import { redactUrl } from '../run/targets';
import { VERSION } from '../run/version';

/**
 * `ocpp-fleet probe URL`: check a CSMS's exposure with a handful of connections and report each
 * check's verdict (src/probe/). Findings are not failures: exit 0 whenever the probe ran, 2 for
 * bad usage, 3 when the CSMS could not be reached.
 */
interface ProbeFlags {
  identity: string;
  passwordEnv?: string;
  passwordFile?: string;
  ocpp: string;
  ca?: string;
  insecure?: boolean;
  cert?: string;
  key?: string;
  tryPlain?: boolean;
  timeout?: number;
  out?: string;
  json?: boolean;
}

const DEFAULT_IDENTITY = 'ocpp-fleet-probe';
const DEFAULT_TIMEOUT_MS = 5000;

function ocppVersion(value: string): string {
  if (value !== '1.6' && value !== '2.0.1' && value !== '2.1') throw new InvalidArgumentError(`--ocpp must be 1.6, 2.0.1 or 2.1, got "${value}"`);
  return value;
}

export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description("check a CSMS's exposure with a handful of stations: TLS, credentials, identities, schema, message ids, second connections, unsigned meter values")
    .argument('<url>', 'CSMS base URL (ws:// or wss://); stations connect to <url>/<identity>')
    .option('--identity <id>', 'station identity the CSMS knows (use one set aside for probing: a second connection may push it off)', DEFAULT_IDENTITY)
    .option('--password-env <var>', "Basic auth password from this environment variable (never a flag's value: it would show in ps)")
    .option('--password-file <file>', 'Basic auth password from this file (one trailing line break is dropped)')
    .option('--ocpp <version>', 'OCPP version to speak: 1.6, 2.0.1 or 2.1', ocppVersion, '1.6')
    .option('--ca <file>', "PEM CA that signed the CSMS's certificate (trusted besides Node's root CAs)")
    .option('--insecure', "do not verify the CSMS's certificate (a warning is printed)")
    .option('--cert <file>', 'PEM client certificate (security profile 3; with --key)')
    .option('--key <file>', 'PEM private key of --cert')
    .option('--try-plain', 'with a wss:// URL, also try ws:// on the same host and port (without credentials)')
    .option('--timeout <d>', 'longest wait for a handshake or an answer (default 5s)', duration('--timeout'))
    .option('--out <file>', 'also write the report to FILE: .json or .md (Markdown)')
    .option('--json', 'print the report as JSON to stdout (the table goes to stderr)')
    .addHelpText('after', '\nExit codes: 0 the probe ran (findings are not failures), 2 bad usage, 3 the CSMS could not be reached.')
    .action(async (url: string, flags: ProbeFlags) => {
      process.exitCode = await probeCommand(url, flags);
    });
}

function outFormat(out: string | undefined): 'json' | 'md' | undefined {
  if (out === undefined) return undefined;
  const ext = extname(out).toLowerCase();
  if (ext !== '.json' && ext !== '.md') throw new UsageError(`--out must name a .json or .md file, got "${out}"`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out: the folder ${dir} does not exist`);
  return ext === '.json' ? 'json' : 'md';
}

async function probeCommand(rawUrl: string, flags: ProbeFlags): Promise<number> {
  const options: ProbeOptions = {
    identity: flags.identity,
    passwordEnv: flags.passwordEnv,
    passwordFile: flags.passwordFile,
    ocpp: flags.ocpp,
    ca: flags.ca,
    cert: flags.cert,
    key: flags.key,
    insecure: flags.insecure,
    tryPlain: flags.tryPlain,
    timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
  };
  let resolved: ReturnType<typeof resolveProbe>;
  try {
    resolved = resolveProbe(rawUrl, options);
  } catch (err) {
    if (err instanceof ProbeUsageError) throw new UsageError(err.message);
    throw err;
  }
  const format = outFormat(flags.out);
  const { config, material } = resolved;
  if (config.insecure) {
    process.stderr.write("warning: --insecure: the CSMS's certificate is not verified; this report cannot vouch for whom it talked to\n");
  }
  if (!config.url.startsWith('wss:') && config.passwordSource !== undefined) {
    process.stderr.write('warning: the password goes over plain ws://, readable by anyone on the path (security profile 1)\n');
  }

  let report: Awaited<ReturnType<typeof runProbe>>;
  try {
    report = await runProbe(config, material);
  } catch (err) {
    // main turns a plain Error into exit code 3; the message names the URL without credentials.
    if (err instanceof ProbeUnreachableError) throw new Error(redactUrl(err.message));
    throw err;
  }
  const header = { tool: 'ocpp-fleet', version: VERSION };
  const text = reportText(report);
  if (flags.json) process.stdout.write(reportJson(report, header));
  (flags.json ? process.stderr : process.stdout).write(text);
  if (flags.out !== undefined) {
    writeFileSync(flags.out, format === 'md' ? reportMarkdown(report, header) : reportJson(report, header));
    process.stderr.write(`report written to ${flags.out}\n`);
  }
  return ExitCode.Ok;
}
