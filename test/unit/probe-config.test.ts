import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProbeUsageError, resolveProbe, type ProbeOptions } from '../../src/probe/config';
import { reportMarkdown, reportText } from '../../src/probe/report';
import { CHECK_IDS, CHECK_TITLES, type ProbeReport } from '../../src/probe/types';
import { tempDir } from '../helpers/temp-dir';

/** The probe's options at the edge: secrets from the environment or a file only, one precise line per mistake. */

const BASE: ProbeOptions = { identity: 'CP-1', ocpp: '1.6', timeoutMs: 5000 };
const dir = tempDir('probe-config');

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ProbeUsageError && pattern.test(err.message));
}

describe('probe options', () => {
  it('takes the password from an environment variable, and prints only its name', () => {
    const { config, material } = resolveProbe('ws://127.0.0.1:9000/', { ...BASE, passwordEnv: 'PW' }, { PW: 'hunter2' });
    assert.equal(material.password, 'hunter2');
    assert.equal(config.passwordSource, '$PW');
    assert.equal(config.url, 'ws://127.0.0.1:9000');
    assert.doesNotMatch(JSON.stringify(config), /hunter2/);
  });

  it('takes the password from a file, without its trailing line break', () => {
    const file = join(dir, 'pw.txt');
    writeFileSync(file, 'correct horse\n');
    const { config, material } = resolveProbe('wss://h:1', { ...BASE, passwordFile: file }, {});
    assert.equal(material.password, 'correct horse');
    assert.equal(config.passwordSource, `file ${file}`);
  });

  it('refuses what would leak or cannot work, naming the flag', () => {
    usage(() => resolveProbe('ws://h', { ...BASE, passwordEnv: 'PW' }, {}), /environment variable PW .* not set/);
    usage(() => resolveProbe('ws://h', { ...BASE, passwordEnv: 'PW', passwordFile: 'f' }, { PW: 'x' }), /not both/);
    usage(() => resolveProbe('ws://h', { ...BASE, passwordFile: join(dir, 'missing') }, {}), /cannot read the --password-file file .*ENOENT/);
    usage(() => resolveProbe('ws://user:pw@h', BASE, {}), /must not carry credentials/);
    usage(() => resolveProbe('http://h', BASE, {}), /ws:\/\/ or wss:\/\//);
    usage(() => resolveProbe('ws://h?x=1', BASE, {}), /query/);
    usage(() => resolveProbe('ws://h', { ...BASE, ca: 'ca.pem' }, {}), /--ca needs a wss:\/\/ URL/);
    usage(() => resolveProbe('ws://h', { ...BASE, tryPlain: true }, {}), /--try-plain needs a wss:\/\/ URL/);
    usage(() => resolveProbe('wss://h', { ...BASE, cert: 'c.pem' }, {}), /--cert and --key go together/);
    usage(() => resolveProbe('ws://h', { ...BASE, identity: 'a:b' }, {}), /--identity/);
    usage(() => resolveProbe('ws://h', { ...BASE, ocpp: '2.2' }, {}), /--ocpp must be 1\.6, 2\.0\.1 or 2\.1/);
  });
});

describe('probe report formats', () => {
  const report: ProbeReport = {
    target: 'wss://csms.example.com/ocpp',
    ocpp: '2.0.1',
    identity: 'CP-1',
    credentials: { password: 'from $PW', clientCertificate: null, ca: 'ca.pem', tlsVerification: 'on' },
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1234,
    connections: 6,
    baseline: { steps: [{ sent: 'upgrade', received: '101 Switching Protocols, subprotocol ocpp2.0.1' }], usable: true },
    checks: CHECK_IDS.map((id, i) => ({
      id,
      title: CHECK_TITLES[id],
      verdict: i % 2 === 0 ? 'protected' : 'exposed',
      reason: 'a | pipe',
      steps: [{ sent: `sent ${id}`, received: `got ${id}` }],
    })),
    counts: { exposed: 4, protected: 4, inconclusive: 0, 'n/a': 0 },
  };

  it('text: one table row per check, then every step', () => {
    const text = reportText(report);
    for (const id of CHECK_IDS) {
      assert.match(text, new RegExp(`^${id}\\s+(exposed|protected)\\s+a \\| pipe$`, 'm'));
      assert.match(text, new RegExp(`sent: sent ${id}\\n\\s+got:  got ${id}`));
    }
    assert.match(text, /4 exposed, 4 protected \(6 connections, 1\.234 s\)/);
  });

  it('Markdown: a table whose cells cannot be broken by a pipe', () => {
    const md = reportMarkdown(report, { tool: 'ocpp-fleet', version: '0.1.0' });
    assert.match(md, /^\| check \| verdict \| reason \|$/m);
    assert.match(md, /^\| plain-ws — accepts ws:\/\/ without TLS \| \*\*protected\*\* \| a \\\| pipe \|$/m);
    assert.equal(md.match(/^\| /gm)?.length, CHECK_IDS.length + 1);
  });
});
