import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkSendPayload, loadScenario } from '../../src/run/load-scenario';
import { groupConfigs } from '../../src/coordinator/groups';
import { validatorsFor } from '../../src/ocpp';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { DEFAULT_SCRIPT, scaleScript } from '../../src/scenario/script';
import { sessionConfig } from '../../src/scenario/session-config';
import type { GroupConfig } from '../../src/thread/messages';
import { Recorder, recordingStation, type Sent } from '../helpers/recording-version';
import { VirtualWorker } from './sessions-harness';
import { fixture } from '../helpers/scenario-fixtures';
import { REPO_ROOT } from '../helpers/fleet-cli';

test('the shipped default-session script is the built-in default, step for step', () => {
  const s = loadScenarioFile(join(REPO_ROOT, 'scenarios', 'scripted-sessions.yaml'));
  const plain = s.groups.find((g) => g.name === 'plain');
  assert.equal(plain?.sessions.script?.name, 'default-session');
  assert.deepEqual(plain?.sessions.script?.steps, DEFAULT_SCRIPT);
});

test('script times are scenario time: timeScale divides waits and intervals', () => {
  const s = parseScenario(
    'timeScale: 60\ngroups:\n  - name: g\n    count: 1\n    ocpp: "1.6"\n    sessions:\n      script: [plugIn, wait: 1m, start, meterValues: {count: 2, interval: 30s}, stop, unplug]\n',
    'x.yaml',
  );
  const g = s.groups[0];
  assert.ok(g);
  assert.deepEqual(sessionConfig(g.sessions, 60).script, [
    { kind: 'plugIn' },
    { kind: 'wait', ms: 1000 },
    { kind: 'start' },
    { kind: 'meterValues', count: 2, intervalMs: 500 },
    { kind: 'stop', reason: undefined },
    { kind: 'unplug' },
  ]);
  assert.equal(scaleScript(DEFAULT_SCRIPT, 1), DEFAULT_SCRIPT);
});

test('a send step is checked against the official schema of each version that runs it, when loading', () => {
  const cases: [string, string][] = [
    [
      'bad-script-send-payload.yaml',
      `:5: scripts.vendor[0].send.payload: OCPP 1.6: not a valid DataTransfer request: payload must have required property 'vendorId'`,
    ],
    [
      'bad-script-send-action.yaml',
      ':7: groups[0].sessions.script[0].send.action: OCPP 2.0.1: expected an action a charging station sends in OCPP 2.0.1, got "StartTransaction"',
    ],
  ];
  for (const [name, message] of cases) {
    const file = fixture(name);
    assert.throws(() => loadScenario(file), (err: Error) => err instanceof ScenarioError && err.message === `${file}${message}`, message);
  }
  // Without the protocol's check (the scenario layer alone), the file loads.
  assert.equal(loadScenarioFile(fixture('bad-script-send-payload.yaml')).groups.length, 1);
});

const SCRIPTED = (ocpp: string): string => `
groups:
  - name: g
    count: 1
    ocpp: "${ocpp}"
    sessions:
      arrival: {fixed: {every: 1h}}
      duration: 10s
      meterInterval: 1s
      powerKw: 11
      script:
        - plugIn
        - wait: 500ms
        - authorize
        - start
        - meterValues: {count: 3}
        - suspend: {by: EVSE}
        - wait: 2s
        - resume
        - meterValues: {until: end}
        - stop: {reason: EmergencyStop}
        - unplug
        - send: {action: DataTransfer, payload: {vendorId: acme}}
`;

for (const ocpp of ['1.6', '2.0.1'] as const) {
  test(`${ocpp}: a scripted session on a virtual clock does exactly what its steps say, valid on the wire`, () => {
    const s = parseScenario(SCRIPTED(ocpp), 'scripted.yaml', { checkPayload: checkSendPayload });
    const plan = planFleet(s, s.seed);
    const group = groupConfigs(s, plan.groups)[0] as GroupConfig;
    const a = plan.stations[0] as { identity: string; seed: number; connectAtMs: number };
    const worker = new VirtualWorker(1000);
    // Every call the station makes is kept, and its tags are accepted at once (a synchronous answer).
    const rec = new Recorder();
    rec.accept = () => true;
    const station = recordingStation(0, a.identity, group, worker, a.seed, rec);
    worker.stations.push(station);
    station.start(worker.atEpochOffset(a.connectAtMs));
    worker.clock = worker.atEpochOffset(a.connectAtMs);
    station.link.onResult('BootNotification', { status: 'Accepted', interval: 3600, currentTime: '2024-05-01T00:00:00Z' }, null);
    // The boot's own status reports are not the session's.
    rec.sent.length = 0;
    worker.runUntil(worker.atEpochOffset(3_600_000 + a.connectAtMs - 1));
    const sent = rec.sent;
    const v = validatorsFor(ocpp);
    for (const m of sent) assert.ok(v.request(m.action)?.(m.payload), `${m.action} ${JSON.stringify(m.payload)}`);
    const t0 = (sent[0] as Sent).at;
    const line = sent.map((m) => {
        const what = m.payload.status ?? m.payload.connectorStatus ?? m.payload.eventType ?? '';
        const state = (m.payload.transactionInfo as { chargingState?: string } | undefined)?.chargingState ?? '';
        return `${((m.at - t0) / 1000).toFixed(1)} ${m.action}${what === '' ? '' : ` ${String(what)}`}${state === '' ? '' : `/${state}`}`;
      });
    const expected16 = [
      '0.0 StatusNotification Preparing',
      '0.5 Authorize',
      '0.5 StartTransaction',
      '0.5 StatusNotification Charging',
      '1.5 MeterValues',
      '2.5 MeterValues',
      '3.5 MeterValues',
      '3.5 StatusNotification SuspendedEVSE',
      '5.5 StatusNotification Charging',
      '6.5 MeterValues',
      '7.5 MeterValues',
      '8.5 MeterValues',
      '9.5 MeterValues',
      '10.0 StopTransaction',
      '10.0 StatusNotification Finishing',
      '10.0 StatusNotification Available',
      '10.0 DataTransfer',
    ];
    const expected201 = [
      '0.0 StatusNotification Occupied',
      '0.5 Authorize',
      '0.5 TransactionEvent Started/Charging',
      '1.5 TransactionEvent Updated/Charging',
      '2.5 TransactionEvent Updated/Charging',
      '3.5 TransactionEvent Updated/Charging',
      '3.5 TransactionEvent Updated/SuspendedEVSE',
      '5.5 TransactionEvent Updated/Charging',
      '6.5 TransactionEvent Updated/Charging',
      '7.5 TransactionEvent Updated/Charging',
      '8.5 TransactionEvent Updated/Charging',
      '9.5 TransactionEvent Updated/Charging',
      '10.0 TransactionEvent Ended/Idle',
      '10.0 StatusNotification Available',
      '10.0 DataTransfer',
    ];
    assert.deepEqual(line, ocpp === '1.6' ? expected16 : expected201);
    // No energy while suspended: 11 kW for 10 s less the 0.5 s before the start and the 2 s pause.
    const stop = sent.find((m) => m.action === 'StopTransaction' || m.payload.eventType === 'Ended') as Sent;
    const wh =
      ocpp === '1.6'
        ? Number(stop.payload.meterStop)
        : Number((stop.payload.meterValue as { sampledValue: { measurand: string; value: number }[] }[])[0]?.sampledValue.find((x) => x.measurand === 'Energy.Active.Import.Register')?.value);
    assert.equal(wh, Math.floor((11_000 * 7.5) / 3600));
    if (ocpp === '2.0.1') assert.equal((stop.payload.transactionInfo as { stoppedReason: string }).stoppedReason, 'EmergencyStop');
    else assert.equal(stop.payload.reason, 'EmergencyStop');
  });
}

test('2.1 steps: stream and discharge load as steps, in scenario time, and are refused where they cannot run', () => {
  const yaml = (ocpp: string, script: string): string =>
    `timeScale: 2\ngroups:\n  - name: g\n    count: 1\n    ocpp: "${ocpp}"\n    sessions:\n      script: ${script}\n`;
  const good = parseScenario(yaml('2.1', '[plugIn, start, {stream: {interval: 4s, values: 2}}, {discharge: {powerKw: 7.5}}, wait: 2s, resume, stop, unplug]'), 'x.yaml');
  const g = good.groups[0];
  assert.ok(g);
  assert.deepEqual(sessionConfig(g.sessions, 2).script?.slice(2, 6), [
    { kind: 'stream', intervalMs: 2000, values: 2 },
    { kind: 'discharge', powerW: 7500 },
    { kind: 'wait', ms: 1000 },
    { kind: 'resume' },
  ]);
  const refused = (ocpp: string, script: string, message: string): void => {
    assert.throws(
      () => parseScenario(yaml(ocpp, script), 'x.yaml', { checkPayload: checkSendPayload }),
      (err: Error) => err instanceof ScenarioError && err.message.endsWith(message),
      message,
    );
  };
  refused('2.0.1', '[plugIn, start, {stream: {interval: 1s}}]', "groups[0].sessions.script[2].stream: periodic event streams are OCPP 2.1's; this script runs on OCPP 2.0.1");
  refused('1.6', '[plugIn, start, {discharge: {powerKw: 7}}]', "groups[0].sessions.script[2].discharge: discharging (V2X) is OCPP 2.1's; this script runs on OCPP 1.6");
  refused('2.1', '[plugIn, start, {stream: {interval: 1500ms}}]', 'groups[0].sessions.script[2].stream.interval: expected a whole number of seconds, at least 1s (OCPP\'s PeriodicEventStreamParams.interval), got "1500ms"');
  refused('2.1', '[plugIn, {discharge: {powerKw: 7}}]', 'groups[0].sessions.script[1]: discharge: expected a running transaction here; add start before it');
  refused('2.1', '[plugIn, start, resume]', 'groups[0].sessions.script[2]: resume: expected a suspended or discharging transaction here; add suspend or discharge before it');
  refused('2.1', '[plugIn, start, {discharge: {powerKw: 7}}, {discharge: {powerKw: 3}}]', 'groups[0].sessions.script[3]: discharge: expected charging here; it is already discharging');
  // A 2.1 SEND in a send step is checked against its schema as a CALL's payload is.
  refused('2.1', '[{send: {action: NotifyPeriodicEventStream, payload: {id: 1}}}]', "groups[0].sessions.script[0].send.payload: OCPP 2.1: not a valid NotifyPeriodicEventStream request: payload must have required property 'pending'");
  refused('2.0.1', '[{send: {action: NotifyPeriodicEventStream, payload: {id: 1}}}]', 'groups[0].sessions.script[0].send.action: OCPP 2.0.1: expected an action a charging station sends in OCPP 2.0.1, got "NotifyPeriodicEventStream"');
});
