import { seconds } from './describe';
import { VERDICTS, type ProbeReport } from './types';

/**
 * The probe's report as text (a table, then what was sent and received per check), Markdown (the
 * same, for a ticket or a wiki) and JSON. Each is built only from the report, which never holds
 * a secret: credentials appear as their source ("from $VAR"), never as their value.
 */
export interface ReportHeader {
  tool: string;
  version: string;
}

export function reportJson(report: ProbeReport, header: ReportHeader): string {
  return `${JSON.stringify({ tool: header.tool, version: header.version, command: 'probe', ...report }, null, 2)}\n`;
}

function credentialsLine(report: ProbeReport): string {
  const c = report.credentials;
  const parts = [`password ${c.password}`, `client certificate ${c.clientCertificate ?? 'none'}`];
  if (c.tlsVerification !== 'none') parts.push(`TLS verification ${c.tlsVerification}${c.ca === null ? '' : ` (CA ${c.ca})`}`);
  else parts.push('no TLS');
  return parts.join(', ');
}

function totalsLine(report: ProbeReport): string {
  const counts = VERDICTS.filter((v) => report.counts[v] > 0).map((v) => `${report.counts[v]} ${v}`);
  return `${counts.join(', ')} (${report.connections} connections, ${seconds(report.durationMs)})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function reportText(report: ProbeReport): string {
  const lines = [
    `ocpp-fleet probe ${report.target} (OCPP ${report.ocpp}, identity ${report.identity})`,
    `credentials: ${credentialsLine(report)}`,
    `baseline: ${report.baseline.steps.map((s) => s.received).join('; ')}`,
    '',
  ];
  const idWidth = Math.max(5, ...report.checks.map((c) => c.id.length)) + 2;
  const verdictWidth = Math.max(...VERDICTS.map((v) => v.length)) + 2;
  lines.push(`${pad('check', idWidth)}${pad('verdict', verdictWidth)}reason`);
  for (const check of report.checks) lines.push(`${pad(check.id, idWidth)}${pad(check.verdict, verdictWidth)}${check.reason}`);
  lines.push('', totalsLine(report), '', 'What was sent and what came back:');
  for (const check of report.checks) {
    lines.push(`  ${check.id}: ${check.title}`);
    if (check.steps.length === 0) lines.push('    (nothing sent)');
    for (const step of check.steps) lines.push(`    sent: ${step.sent}`, `    got:  ${step.received}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Pipes would end a table cell; backticks would end a code span. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function reportMarkdown(report: ProbeReport, header: ReportHeader): string {
  const lines = [
    `# OCPP exposure probe: ${report.target}`,
    '',
    `- OCPP ${report.ocpp}, identity ${code(report.identity)}, ${report.startedAt}, ${header.tool} ${header.version}`,
    `- credentials: ${credentialsLine(report)}`,
    `- baseline: ${report.baseline.steps.map((s) => code(s.received)).join('; ')}`,
    `- ${totalsLine(report)}`,
    '',
    '| check | verdict | reason |',
    '|---|---|---|',
  ];
  for (const check of report.checks) lines.push(`| ${check.id} — ${cell(check.title)} | **${check.verdict}** | ${cell(check.reason)} |`);
  lines.push('', '## What was sent and what came back', '');
  for (const check of report.checks) {
    lines.push(`### ${check.id}`, '');
    if (check.steps.length === 0) lines.push('- nothing sent');
    for (const step of check.steps) lines.push(`- sent: ${code(step.sent)}`, `  got: ${code(step.received)}`);
    lines.push('');
  }
  return lines.join('\n');
}
