import type { Command } from 'commander';

/**
 * The security flags of `run` (OCPP security profiles 1–3); run/security.ts resolves them. Secrets
 * are never flag values (they would show in `ps` and in shell history): passwords come from an
 * environment variable or a file.
 */
export function addSecurityOptions(command: Command): Command {
  return command
    .option('--ca <file>', 'PEM file of CAs to trust besides the system\'s (wss://)')
    .option('--insecure', 'do not verify the CSMS\'s TLS certificate (never against production)')
    .option('--password-env <var>', 'Basic auth (profiles 1, 2): every station\'s password is in environment variable VAR')
    .option('--password-file <file>', 'Basic auth: a CSV of identity,password')
    .option('--password-template <template>', 'Basic auth: a password per station from a template of {identity} and {secret}')
    .option('--secret-env <var>', 'the {secret} of --password-template, from environment variable VAR')
    .option('--secret-file <file>', 'the {secret} of --password-template, from a file (its first line)')
    .option('--client-cert <file>', 'client certificate (PEM) for every station (profile 3); needs --client-key')
    .option('--client-key <file>', 'private key (PEM) of --client-cert')
    .option('--client-certs <dir>', 'a client certificate per station: <dir>/<identity>.pem and <dir>/<identity>.key (profile 3)');
}

