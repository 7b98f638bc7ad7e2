/** `ocpp-fleet probe`: a CSMS's exposure, checked with a handful of connections. */
export * from './types';
export { resolveProbe, probeUrl, ProbeUsageError, type ProbeOptions } from './config';
export { runProbe, plainTwin, ProbeUnreachableError, MAX_CONNECTIONS } from './checks';
export { reportText, reportMarkdown, reportJson, type ReportHeader } from './report';
