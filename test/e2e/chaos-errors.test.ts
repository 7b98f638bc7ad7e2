import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Summary } from '../../src/report/summary';
import { startHostileCsms, ONLY_201_BODY, REFUSALS, type Hostile, type HostileCsms } from '../chaos/hostile-csms';
import { assertVerdict } from '../chaos/chaos-fleet';
import { assertEndedCleanly, runHostile, type HostileGroup } from '../chaos/hostile-run';
import { verdictLine } from '../helpers/heartbeat-fleet';
import { closedPort } from '../helpers/closed-port';

/**
 * Error kinds that say what happened (issue 10): a CSMS that closes every connection, answers in
 * binary, in invalid UTF-8 or with JSON nested 100,000 deep, speaks only ocpp2.0.1, refuses with
 * 401/403/404/409, never completes the upgrade; a closed port and a host that does not resolve.
 * Each run: the right kinds with the counts the server's own tally gives, `connect.rejectedByStatus`,
 * one redacted sample per kind, a run that ends by itself, and a verdict that says it failed.
 */
const servers: HostileCsms[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** Route identities `<PREFIX>-n` by their prefix. */
async function hostile(routes: Readonly<Record<string, Hostile>>): Promise<HostileCsms> {
  const csms = await startHostileCsms((identity) => routes[identity.slice(0, identity.lastIndexOf('-'))] ?? 'healthy');
  servers.push(csms);
  return csms;
}

/** Only these error kinds, each with exactly this count. */
function assertKinds(s: Summary, expected: Record<string, number>): void {
  const nonZero = Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0));
  assert.deepEqual(s.errors, nonZero, `errors ${JSON.stringify(s.errors)}`);
}

const CSMS_URL = String.raw`ws://127\.0\.0\.1:\d+`;

describe('error kinds that say what happened', { timeout: 240_000 }, () => {
  it('a CSMS that closes every connection (1000, 1011), answers in binary, in invalid UTF-8 or with JSON nested 100,000 deep', async () => {
    const csms = await hostile({ C1000: 'close1000', C1011: 'close1011', BIN16: 'binary', BIN201: 'binary', U16: 'invalidUtf8', U201: 'invalidUtf8', D16: 'deepJson', D201: 'deepJson' });
    const groups: HostileGroup[] = [
      { name: 'c1000', ocpp: '1.6', count: 2, prefix: 'C1000' },
      { name: 'c1011', ocpp: '2.0.1', count: 2, prefix: 'C1011' },
      { name: 'bin16', ocpp: '1.6', count: 1, prefix: 'BIN16' },
      { name: 'bin201', ocpp: '2.0.1', count: 1, prefix: 'BIN201' },
      { name: 'utf16', ocpp: '1.6', count: 1, prefix: 'U16' },
      { name: 'utf201', ocpp: '2.0.1', count: 1, prefix: 'U201' },
      { name: 'deep16', ocpp: '1.6', count: 1, prefix: 'D16' },
      { name: 'deep201', ocpp: '2.0.1', count: 1, prefix: 'D201' },
      { name: 'ok', ocpp: '2.0.1', count: 1, prefix: 'OK' },
    ];
    const run = await runHostile('frames', { groups, urls: [csms.url], duration: '4s' });
    const s = run.summary;
    assertEndedCleanly(run);
    const closed = csms.of('close1000').closed + csms.of('close1011').closed;
    const binary = csms.of('binary').binarySent;
    const utf8 = csms.of('invalidUtf8').invalidUtf8Sent;
    const deep = csms.of('deepJson').deepSent;
    // Backoff 0.3–0.6 s over 4 s: several connections each; boots retried on the same connection.
    assert.ok(closed >= 4 * 3 && binary >= 2 && utf8 >= 2 * 3 && deep >= 2, `closed ${closed}, binary ${binary}, utf8 ${utf8}, deep ${deep}`);
    // A boot answered in binary or nested 100,000 deep is never taken: it times out.
    const bootTimeouts = s.actions.BootNotification?.timeouts ?? 0;
    assert.ok(bootTimeouts >= 2, `BootNotification timeouts ${bootTimeouts}`);
    assertKinds(s, {
      // Each connection the CSMS closed before the boot was accepted, and not one as connectionLost.
      closedBeforeBoot: closed,
      binaryFrame: binary,
      invalidUtf8: utf8,
      malformedFrame: deep,
      timeout: s.errors.timeout ?? 0,
    });
    assert.equal(s.errors.timeout, bootTimeouts, 'the only calls that timed out are the boots answered in binary or too deep');
    assert.equal(s.fleet.connected, 11, 'every station connected (the upgrades succeeded)');
    assert.equal(s.fleet.booted, 1, 'only the station of the healthy CSMS booted');
    assert.equal(s.actions.BootNotification?.ok, 1);
    const samples = s.errorSamples ?? {};
    assert.match(
      samples.closedBeforeBoot ?? '',
      new RegExp(String.raw`^closed by the CSMS with (1000 \(normal closure\) "go away"|1011 \(internal error\) "chaos: internal error") before the boot was accepted \(${CSMS_URL}/C10(00|11)-\d\)$`),
    );
    assert.match(samples.binaryFrame ?? '', new RegExp(String.raw`^a binary frame of \d+ bytes from the CSMS: OCPP-J is text only \(${CSMS_URL}/BIN(16|201)-1\)$`));
    assert.match(samples.invalidUtf8 ?? '', new RegExp(String.raw`^WS_ERR_INVALID_UTF8: Invalid WebSocket frame: invalid UTF-8 sequence \(${CSMS_URL}/U(16|201)-1\)$`));
    // The boots answered in binary or too deep end as timeouts; the deep frame is a malformed one.
    assert.equal(samples.timeout, 'BootNotification got no answer within 2000 ms');
    assert.match(samples.malformedFrame ?? '', /^frame nests deeper than 64 levels: \[3,"1",\{"a":\{"a":.*… \(\d+ characters\)$/);
    assert.deepEqual(Object.keys(samples).sort(), ['binaryFrame', 'closedBeforeBoot', 'invalidUtf8', 'malformedFrame', 'timeout'], 'a sample per kind met');
    assertVerdict(run, 1, ['booted', 'incompleteCalls']);
    // Every group is listed, with its own errors: the closing groups show why they never booted.
    assert.equal(Object.keys(s.groups).length, groups.length);
    assert.ok((s.groups.c1011?.errors?.closedBeforeBoot ?? 0) > 0, JSON.stringify(s.groups.c1011));
  });

  it('a CSMS that refuses with 401, 403, 404 and 409 and a reason, or answers a 101 ws cannot accept: the statuses counted, the reason in the sample, no secret', async () => {
    const csms = await hostile({ R401: 'refuse401', R403: 'refuse403', R404: 'refuse404', R409: 'refuse409', BAD: 'badAccept' });
    const password = 'Hostile-Pa55word';
    const groups: HostileGroup[] = [
      { name: 'r401', ocpp: '1.6', count: 1, prefix: 'R401' },
      { name: 'r403', ocpp: '2.0.1', count: 1, prefix: 'R403' },
      { name: 'r404', ocpp: '1.6', count: 1, prefix: 'R404' },
      { name: 'r409', ocpp: '2.0.1', count: 1, prefix: 'R409' },
      { name: 'bad', ocpp: '1.6', count: 1, prefix: 'BAD' },
    ];
    const run = await runHostile('refusals', { groups, urls: [csms.url], env: { HOSTILE_PW: password }, passwordEnv: 'HOSTILE_PW' });
    const s = run.summary;
    assertEndedCleanly(run);
    const byStatus: Record<string, number> = {};
    for (const b of ['refuse401', 'refuse403', 'refuse404', 'refuse409'] as const) {
      for (const [status, n] of csms.of(b).refused) byStatus[String(status)] = n;
    }
    assert.deepEqual(Object.keys(byStatus), ['401', '403', '404', '409']);
    assert.ok(Object.values(byStatus).every((n) => n >= 3), JSON.stringify(byStatus));
    assert.deepEqual(s.connect.rejectedByStatus, byStatus, 'every refusal counted under its status');
    const refused = Object.values(byStatus).reduce((t, n) => t + n, 0);
    assertKinds(s, { handshakeRejected: refused, other: csms.of('badAccept').badAccepts });
    assert.equal(s.connect.errors, refused + csms.of('badAccept').badAccepts);
    assert.equal(s.fleet.connected, 0);

    const samples = s.errorSamples ?? {};
    const rejected = samples.handshakeRejected ?? '';
    const m = new RegExp(String.raw`^HTTP (\d{3}) (\w[\w ]*) to ${CSMS_URL}/R(\d{3})-1: "(.*)"$`).exec(rejected);
    assert.ok(m, rejected);
    const [, status, text, identityStatus, body] = m;
    assert.equal(status, identityStatus, 'the status of the station the sample names');
    const refusal = REFUSALS[`refuse${status}` as Hostile];
    assert.ok(refusal, rejected);
    assert.equal(text, refusal.text);
    // The CSMS echoed the Authorization header: it shows masked.
    assert.equal(body, `${refusal.body} (got Authorization: Basic ***)`);
    assert.match(samples.other ?? '', new RegExp(String.raw`^Invalid Sec-WebSocket-Accept header \(${CSMS_URL}/BAD-1\)$`));
    assert.deepEqual(Object.keys(samples).sort(), ['handshakeRejected', 'other']);
    // Nobody got in: the run stops early (fail fast) or at its end, unreachable either way.
    assertVerdict(run, 3, ['connected', 'booted']);
    // No file of the results holds the password, or the Basic credentials that carry it.
    const basic = Buffer.from(`R401-1:${password}`).toString('base64');
    const files = readdirSync(run.out);
    assert.ok(files.includes('summary.json') && files.includes('report.html'), files.join(', '));
    for (const file of files) {
      const content = readFileSync(join(run.out, file), 'utf8');
      assert.ok(!content.includes(password) && !content.includes(basic), `${file} holds no secret`);
    }
  });

  it('a CSMS that speaks only ocpp2.0.1: the 1.6 half is refused with HTTP 400 (handshakeRejected 400) or let in without a subprotocol (subprotocolMismatch); the 2.0.1 half boots', async () => {
    const csms = await hostile({ H400: 'only201Http400', H400V2: 'only201Http400', NOP: 'only201NoProtocol', NOPV2: 'only201NoProtocol' });
    const groups: HostileGroup[] = [
      { name: 'refused16', ocpp: '1.6', count: 2, prefix: 'H400' },
      { name: 'served201', ocpp: '2.0.1', count: 2, prefix: 'H400V2' },
      { name: 'noproto16', ocpp: '1.6', count: 2, prefix: 'NOP' },
      { name: 'noproto201', ocpp: '2.0.1', count: 2, prefix: 'NOPV2' },
    ];
    const run = await runHostile('only201', { groups, urls: [csms.url] });
    const s = run.summary;
    assertEndedCleanly(run);
    const refused = csms.of('only201Http400').refused.get(400) ?? 0;
    const mismatched = csms.of('only201NoProtocol').upgrades;
    assert.ok(refused >= 2 * 3 && mismatched >= 2 * 3, `refused ${refused}, mismatched ${mismatched}`);
    assertKinds(s, { handshakeRejected: refused, subprotocolMismatch: mismatched });
    assert.deepEqual(s.connect.rejectedByStatus, { 400: refused });
    assert.equal(s.fleet.booted, 4, 'the 2.0.1 half booted');
    assert.equal(s.fleet.connected, 4);
    const samples = s.errorSamples ?? {};
    assert.match(samples.handshakeRejected ?? '', new RegExp(String.raw`^HTTP 400 Bad Request to ${CSMS_URL}/H400-\d: "${escapeRegExp(ONLY_201_BODY)}; offered: ocpp1\.6"$`));
    assert.match(samples.subprotocolMismatch ?? '', new RegExp(String.raw`^offered subprotocol "ocpp1\.6", the CSMS answered with none \(${CSMS_URL}/NOP-\d\)$`));
    // The refused half fails the run, and the first line the user reads says so, with the kinds.
    assertVerdict(run, 1, ['connected', 'booted']);
    const first = verdictLine(run.fleet);
    assert.match(first, /^FAILED: connected 4 of 8 stations \((?=.*handshakeRejected ×\d+)(?=.*subprotocolMismatch ×\d+).*\)/, first);
    for (const g of ['refused16', 'noproto16']) {
      assert.deepEqual([s.groups[g]?.fleet?.planned, s.groups[g]?.fleet?.connected], [2, 0], `${g} listed with its counts`);
    }
    assert.ok((s.groups.refused16?.errors?.handshakeRejected ?? 0) > 0, JSON.stringify(s.groups.refused16));
  });

  it('a closed port, a host that does not resolve and a CSMS that never completes the upgrade: connectRefused, dnsFailure, connectTimeout, each with its sample', async () => {
    const csms = await hostile({ U: 'neverUpgrade' });
    const port = await closedPort();
    const groups: HostileGroup[] = [{ name: 'u', ocpp: '1.6', count: 3, prefix: 'U' }];
    // Three targets: each station fails over from one to the next, so each meets all three.
    const run = await runHostile('unreachable', {
      groups,
      urls: [`ws://127.0.0.1:${port}`, 'ws://csms.invalid:9000', csms.url],
      callTimeout: '1s',
      duration: '5s',
    });
    const s = run.summary;
    assertEndedCleanly(run);
    const held = csms.of('neverUpgrade').held;
    assert.ok(held >= 3, `upgrade requests held ${held}`);
    const kinds = Object.keys(s.errors).sort();
    assert.deepEqual(kinds, ['connectRefused', 'connectTimeout', 'dnsFailure'], JSON.stringify(s.errors));
    // An attempt the end of the run cut short is not the target's failure: at most one per station.
    const timeouts = s.errors.connectTimeout ?? 0;
    assert.ok(timeouts <= held && timeouts >= held - 3, `connectTimeout ${timeouts}, held ${held}`);
    assert.equal(s.connect.errors, (s.errors.connectRefused ?? 0) + (s.errors.dnsFailure ?? 0) + timeouts);
    assert.equal(s.connect.rejectedByStatus, undefined, 'no HTTP status: nothing answered');
    assert.equal(s.fleet.connected, 0);
    const samples = s.errorSamples ?? {};
    assert.equal(samples.dnsFailure, 'getaddrinfo ENOTFOUND csms.invalid');
    assert.equal(samples.connectRefused, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.match(samples.connectTimeout ?? '', new RegExp(String.raw`^Opening handshake has timed out \(${CSMS_URL}/U-\d\)$`));
    assertVerdict(run, 3, ['connected']);
  });
});

/** Escape a literal for a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

