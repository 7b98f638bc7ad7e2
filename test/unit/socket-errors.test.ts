import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_FRAME_DEPTH, nestsDeeperThan } from '../../src/ocpp/json-depth';
import { MessageType, ParsedFrame, parseFrame } from '../../src/ocpp/frame';
import { MAX_SAMPLE_CHARS, redact } from '../../src/station/redact';
import {
  classifySocketError,
  describeClose,
  describeRejection,
  describeSocketError,
  describeSubprotocolMismatch,
  isProtocolError,
} from '../../src/station/socket-errors';

/** An error as Node or ws raises it: a message and, usually, a code. */
function failure(message: string, code?: string): Error {
  const err = new Error(message) as NodeJS.ErrnoException;
  if (code !== undefined) err.code = code;
  return err;
}

describe('classifySocketError: the documented kind of each failure', () => {
  const cases: Array<[string, Error, string]> = [
    ['an unresolvable host', failure('getaddrinfo ENOTFOUND csms.invalid', 'ENOTFOUND'), 'dnsFailure'],
    ['a DNS server that does not answer', failure('getaddrinfo EAI_AGAIN csms.example', 'EAI_AGAIN'), 'dnsFailure'],
    ['a closed port', failure('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), 'connectRefused'],
    ['an unreachable host', failure('connect EHOSTUNREACH 10.0.0.1:9000', 'EHOSTUNREACH'), 'connectRefused'],
    ['a TCP connect timeout', failure('connect ETIMEDOUT 10.0.0.1:9000', 'ETIMEDOUT'), 'connectTimeout'],
    ["ws's handshake timeout", failure('Opening handshake has timed out'), 'connectTimeout'],
    ['an untrusted certificate', failure('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tlsError'],
    ['a TLS alert', failure('tlsv1 alert unknown ca', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'tlsError'],
    ['no subprotocol in the 101', failure('Server sent no subprotocol'), 'subprotocolMismatch'],
    ['a subprotocol we did not offer', failure('Server sent an invalid subprotocol'), 'subprotocolMismatch'],
    ['a text frame that is not UTF-8', failure('Invalid WebSocket frame: invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8'), 'invalidUtf8'],
    ['a frame above the cap', failure('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), 'frameTooLarge'],
    ['a reset', failure('socket hang up', 'ECONNRESET'), 'connectionLost'],
    ['a bad opcode', failure('Invalid WebSocket frame: invalid opcode 3', 'WS_ERR_INVALID_OPCODE'), 'other'],
    ['a bad accept header', failure('Invalid Sec-WebSocket-Accept header'), 'other'],
  ];
  for (const [name, err, kind] of cases) {
    it(`${name}: ${kind}`, () => assert.equal(classifySocketError(err), kind));
  }

  it('only ws protocol errors (WS_ERR_*) replace connectionLost as the kind of a close', () => {
    assert.equal(isProtocolError(failure('x', 'WS_ERR_INVALID_UTF8')), true);
    assert.equal(isProtocolError(failure('x', 'WS_ERR_INVALID_OPCODE')), true);
    assert.equal(isProtocolError(failure('x', 'ECONNRESET')), false);
    assert.equal(isProtocolError(failure('x')), false);
  });
});

describe('error samples: one line that says what happened, never a secret', () => {
  const url = 'ws://127.0.0.1:9000/ocpp/CP001';

  it('a refused upgrade: status, reason phrase, URL and the start of the body on one line', () => {
    const body = `Unknown charge point\r\nsee ${'x'.repeat(500)}`;
    const text = describeRejection(401, 'Unauthorized', url, body, []);
    assert.ok(text.startsWith(`HTTP 401 Unauthorized to ${url}: "Unknown charge point see xxx`), text);
    assert.ok(!/[\r\n]/.test(text), 'one line');
    assert.ok(text.length <= 8 + 'HTTP 401 Unauthorized to '.length + url.length + 200, `the body is cut at ~200 characters (${text.length})`);
    assert.equal(describeRejection(404, 'Not Found', url, '', []), `HTTP 404 Not Found to ${url}`);
  });

  it('a refusal whose body echoes the password or the Authorization header shows neither', () => {
    const secret = 's3cr3t-Pa55';
    const basic = Buffer.from(`CP001:${secret}`).toString('base64');
    const text = describeRejection(403, 'Forbidden', url, `bad credentials ${secret}; Authorization: Basic ${basic}; password=${secret}`, [secret]);
    assert.ok(!text.includes(secret), text);
    assert.ok(!text.includes(basic), text);
    assert.match(text, /Basic \*\*\*/);
  });

  it('DNS and refused connections keep the message, which names the host; other errors add the URL and code', () => {
    assert.equal(describeSocketError('dnsFailure', failure('getaddrinfo ENOTFOUND csms.invalid', 'ENOTFOUND'), 'ws://csms.invalid:9000/CP1', []), 'getaddrinfo ENOTFOUND csms.invalid');
    assert.equal(describeSocketError('connectRefused', failure('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), url, []), 'connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(describeSocketError('other', failure('Invalid WebSocket frame: invalid opcode 3', 'WS_ERR_INVALID_OPCODE'), url, []), `WS_ERR_INVALID_OPCODE: Invalid WebSocket frame: invalid opcode 3 (${url})`);
    assert.equal(describeSocketError('connectTimeout', failure('Opening handshake has timed out'), url, []), `Opening handshake has timed out (${url})`);
  });

  it('a URL with user information never shows it', () => {
    const text = describeSocketError('other', failure('Unexpected server response: 500 from ws://CP001:hunter22@csms.example/ocpp'), 'ws://CP001:hunter22@csms.example/ocpp/CP001', []);
    assert.ok(!text.includes('hunter22'), text);
    assert.ok(!text.includes('CP001:'), text);
    assert.match(text, /ws:\/\/\*\*\*@csms\.example/);
  });

  it('a subprotocol mismatch says what was offered and what came back', () => {
    assert.equal(describeSubprotocolMismatch('ocpp1.6', undefined, url), `offered subprotocol "ocpp1.6", the CSMS answered with none (${url})`);
    assert.equal(describeSubprotocolMismatch('ocpp1.6', 'ocpp2.0.1', url), `offered subprotocol "ocpp1.6", the CSMS answered with "ocpp2.0.1" (${url})`);
  });

  it('a close: its code, its name and its reason; no close frame said so', () => {
    assert.equal(
      describeClose(1011, Buffer.from('overloaded'), url, 'before the boot was accepted'),
      `closed by the CSMS with 1011 (internal error) "overloaded" before the boot was accepted (${url})`,
    );
    assert.equal(describeClose(1000, Buffer.alloc(0), url, 'before the boot was accepted'), `closed by the CSMS with 1000 (normal closure) before the boot was accepted (${url})`);
    assert.equal(describeClose(1006, undefined, url, 'after the boot was accepted'), `the connection ended with no close frame (1006) after the boot was accepted (${url})`);
  });

  it('redact: masks user info, Authorization values, password pairs and given secrets; bounds the length', () => {
    assert.equal(redact('wss://u:p@host/x and ws://a@b/c'), 'wss://***@host/x and ws://***@b/c');
    assert.equal(redact('Authorization: Bearer abc.def-ghi'), 'Authorization: Bearer ***');
    assert.equal(redact('{"password":"hunter2"} token=xyz'), '{"password":"***"} token=***');
    assert.equal(redact('the key is hunter22, really hunter22', ['hunter22']), 'the key is ***, really ***');
    assert.equal(redact('ab cd', ['ab']), 'ab cd', 'a secret of two characters is not masked everywhere');
    assert.equal(redact('a\tb\r\nc'), 'a b c');
    const long = redact('y'.repeat(10_000));
    assert.equal(long.length, MAX_SAMPLE_CHARS);
    assert.ok(long.endsWith('…'));
  });
});

describe('frames nested deeper than any OCPP message', () => {
  it('JSON nested 100,000 deep is a malformed frame (not parsed, no stack overflow), answered with id -1', () => {
    const d = 100_000;
    for (const text of ['['.repeat(d) + ']'.repeat(d), `[3,"boot-1",${'{"a":'.repeat(d)}1${'}'.repeat(d)}]`, `[2,"c-1","Reset",${'[{"b":'.repeat(d / 2)}0${'}]'.repeat(d / 2)}]`]) {
      const frame = new ParsedFrame();
      assert.equal(parseFrame(text, frame), false);
      assert.equal(frame.type, MessageType.Invalid);
      assert.equal(frame.problem, `frame nests deeper than ${MAX_FRAME_DEPTH} levels`);
      assert.equal(frame.id, '-1');
    }
  });

  it('the limit is exact; brackets inside strings do not count', () => {
    const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    assert.equal(nestsDeeperThan(nested(MAX_FRAME_DEPTH), MAX_FRAME_DEPTH), false);
    assert.equal(nestsDeeperThan(nested(MAX_FRAME_DEPTH + 1), MAX_FRAME_DEPTH), true);
    assert.equal(nestsDeeperThan(`["${'['.repeat(500)}\\"${'{'.repeat(500)}"]`, MAX_FRAME_DEPTH), false);
    // Many brackets side by side are not depth.
    assert.equal(nestsDeeperThan(`[${'{},'.repeat(1000)}{}]`, MAX_FRAME_DEPTH), false);
    const frame = new ParsedFrame();
    assert.equal(parseFrame(`[2,"m1","DataTransfer",{"vendorId":"v","data":${nested(40)}}]`, frame), true, 'a deep but legal DataTransfer');
  });
});
