/**
 * report.html's bytes: what each exchange carried (its frames' UTF-8 text, both ways, per call),
 * what the connections put on the wire (the upgrade, WebSocket framing and compression included;
 * over wss:// not TLS's own bytes), and both per station per day at the run's rates, per group: what a cellular data
 * plan pays for. From summary.json alone; absent from summaries written before bytes were counted.
 */
import type { ByteCounts, BytesSummary } from '../bytes-summary';
import type { Summary } from '../summary';
import { cell, formatCount, table } from './tables';

/** Bytes in the unit that keeps three significant figures or more: 812 B, 4.71 KB, 12.3 MB (1 KB = 1,000 B). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text} ${units[unit] as string}`;
}

function perCall(bytes: number, calls: number): string {
  return calls > 0 ? formatBytes(bytes / calls) : '–';
}

function exchangeRow(name: string, initiator: string, calls: number, bytes: ByteCounts): string {
  return `<tr>${cell(name, 'name')}${cell(initiator)}${cell(formatCount(calls), 'num')}${cell(formatBytes(bytes.sent), 'num')}${cell(formatBytes(bytes.received), 'num')}` +
    `${cell(perCall(bytes.sent, calls), 'num')}${cell(perCall(bytes.received, calls), 'num')}</tr>`;
}

/** One row per action, the station's calls then the CSMS's. */
export function bytesTable(summary: Summary): string {
  const rows: string[] = [];
  for (const [action, a] of Object.entries(summary.actions)) if (a.bytes !== undefined) rows.push(exchangeRow(action, 'station', a.sent, a.bytes));
  for (const [action, i] of Object.entries(summary.incoming)) {
    // The CSMS's calls: the station sent the answers and received the CALLs.
    if (i.bytes !== undefined) rows.push(exchangeRow(action, 'CSMS', i.received, i.bytes));
  }
  return table('bytes', ['action', 'called by', 'calls', 'sent', 'received', 'sent per call', 'received per call'], rows, 2);
}

function perDayRow(name: string, b: BytesSummary): string {
  const d = b.perStationPerDay;
  return `<tr>${cell(name, 'name')}${cell(formatBytes(b.sent + b.received), 'num')}${cell(formatBytes(b.wire.sent + b.wire.received), 'num')}` +
    `${cell(formatBytes(d.sent), 'num')}${cell(formatBytes(d.received), 'num')}${cell(formatBytes(d.wireSent), 'num')}${cell(formatBytes(d.wireReceived), 'num')}</tr>`;
}

/** The run and each group: frames and wire in all, and per station per day. */
export function bytesPerDayTable(summary: Summary): string {
  const rows: string[] = [];
  if (summary.bytes !== undefined) rows.push(perDayRow('all stations', summary.bytes));
  for (const [name, g] of Object.entries(summary.groups)) if (g.bytes !== undefined) rows.push(perDayRow(name, g.bytes));
  return table(
    'bytes-per-day',
    ['', 'frames in all', 'wire in all', 'frames sent per station per day', 'frames received per station per day', 'wire sent per station per day', 'wire received per station per day'],
    rows,
    1,
  );
}

/** The section, or nothing for a summary without bytes. */
export function bytesSection(summary: Summary): string {
  if (summary.bytes === undefined) return '';
  return `<section id="bytes-section">
<h2>Bytes</h2>
<p class="note">Frames: the OCPP messages' text (UTF-8), before WebSocket framing and compression. Wire: what the connections' sockets counted, the upgrade, framing and compression included, over wss:// not TLS's own records and handshake (counted as each connection closed). Per station per day: at this run's rates, its boot and ramp included, so a short run overstates a steady day.</p>
${bytesPerDayTable(summary)}
${bytesTable(summary)}
</section>`;
}
