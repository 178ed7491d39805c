/**
 * The context capability (src/context/index.ts): the rules of `contextHeaders()` (parsing the
 * attribute's query text and a record, the header names, the encoding of values, each refusal
 * and what its detail may say), then the same through the element on the fake gateway: the
 * headers reach `session.call()`, and a context that is refused fails the call with one
 * `voip-error` `invalid-config` before the microphone or the gateway is touched.
 */
import { expect } from '@open-wc/testing';
import {
  contextHeaders,
  MAX_KEYS,
  MAX_KEY_LENGTH,
  MAX_TOTAL_BYTES,
  MAX_VALUE_LENGTH,
} from '../../src/context/index.js';
import { VoipError } from '../../src/errors.js';
import type { VoipErrorDetail } from '../../src/events.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import {
  mountWithFake,
  record,
  until,
  type FakeConnector,
  hangUp,
} from '../support/fake-connector.js';

/** What `contextHeaders(input)` threw: a VoipError, or the test fails. */
function refusal(input: unknown): VoipError {
  try {
    contextHeaders(input);
  } catch (error) {
    if (error instanceof VoipError) return error;
    throw error;
  }
  throw new Error(`not refused: ${JSON.stringify(input)}`);
}

/**
 * Expects `input` refused with `invalid-config`, the detail naming `key` (as JSON) and holding
 * none of `secrets`.
 */
function expectRefused(input: unknown, key: string, secrets: readonly string[] = []): string {
  const error = refusal(input);
  expect(error.code).to.equal('invalid-config');
  expect(error.message).to.include(JSON.stringify(key));
  for (const secret of secrets) expect(error.message).not.to.include(secret);
  return error.message;
}

describe('contextHeaders: the attribute (URL query text)', () => {
  it('each key=value pair is one X- header, in order', () => {
    const headers = contextHeaders('page=/checkout&order=1234&lang=id');
    expect(headers).to.deep.equal({ 'X-Page': '/checkout', 'X-Order': '1234', 'X-Lang': 'id' });
    expect(Object.keys(headers)).to.deep.equal(['X-Page', 'X-Order', 'X-Lang']);
  });

  it('is percent-decoded and takes + as a space, like URLSearchParams', () => {
    expect(
      contextHeaders('title=Gift+cards&q=a%2Bb%26c%3Dd&path=%2Fcheckout%3Fstep%3D2'),
    ).to.deep.equal({
      'X-Title': 'Gift cards',
      'X-Q': 'a+b&c=d',
      'X-Path': '/checkout?step=2',
    });
    // Keys are decoded too.
    expect(contextHeaders('crm%2Did=42')).to.deep.equal({ 'X-Crm-Id': '42' });
  });

  it('a leading ?, empty pairs and an empty text are ignored, like URLSearchParams', () => {
    expect(contextHeaders('?page=x')).to.deep.equal({ 'X-Page': 'x' });
    expect(contextHeaders('&&page=x&')).to.deep.equal({ 'X-Page': 'x' });
    expect(contextHeaders('')).to.deep.equal({});
    expect(contextHeaders(null)).to.deep.equal({});
  });

  it('an empty value sends no header, but its key is still checked', () => {
    expect(contextHeaders('vip')).to.deep.equal({});
    expect(contextHeaders('vip=&page=x')).to.deep.equal({ 'X-Page': 'x' });
    expect(contextHeaders({ crm: '', page: 'x' })).to.deep.equal({ 'X-Page': 'x' });
    expectRefused('a_b=', 'a_b');
    expectRefused('vip=&vip=1', 'vip');
  });
});

describe('contextHeaders: a record', () => {
  it('own string properties become headers', () => {
    expect(contextHeaders({ page: '/checkout', 'crm-id': 'C-77' })).to.deep.equal({
      'X-Page': '/checkout',
      'X-Crm-Id': 'C-77',
    });
  });

  it('a record is taken as it is: no percent-decoding, no + as space', () => {
    expect(contextHeaders({ q: 'a+b', path: '/x?y=1&z=2' })).to.deep.equal({
      'X-Q': 'a+b',
      'X-Path': '/x?y=1&z=2',
    });
  });

  it('inherited, symbol and non-enumerable properties are ignored', () => {
    const record = Object.create({ inherited: 'proto' }) as Record<string, string>;
    record.page = 'x';
    Object.defineProperty(record, 'hidden', { value: 'h', enumerable: false });
    (record as Record<symbol, string>)[Symbol('s')] = 's';
    expect(contextHeaders(record)).to.deep.equal({ 'X-Page': 'x' });
  });

  it('a value that is not a string is refused, naming the key and not the value', () => {
    for (const value of [98765, null, undefined, true, ['s3cr3t'], { toString: () => 's3cr3t' }]) {
      expectRefused({ page: 'x', order: value }, 'order', ['98765', 's3cr3t', 'null', 'true']);
    }
  });

  it('a context that is neither a record nor a string is refused', () => {
    for (const input of [42, ['page=x'], () => 'page=x']) {
      expect(refusal(input).code).to.equal('invalid-config');
    }
  });
});

describe('contextHeaders: header names', () => {
  it('X- and the key, its first letter and each letter after a - upper-cased, the rest as given', () => {
    expect(
      contextHeaders({
        page: '1',
        'crm-id': '2',
        'CRM-REF': '3',
        crmName: '4',
        '1st-visit': '5',
        '42': '6',
        'x-foo': '7',
        Z: '8',
      }),
    ).to.deep.equal({
      'X-Page': '1',
      'X-Crm-Id': '2',
      'X-CRM-REF': '3',
      'X-CrmName': '4',
      'X-1st-Visit': '5',
      'X-42': '6',
      'X-X-Foo': '7',
      'X-Z': '8',
    });
  });

  it('keys of 1 and 32 characters are accepted', () => {
    const long = 'a'.repeat(MAX_KEY_LENGTH);
    expect(contextHeaders({ a: '1', [long]: '2' })).to.deep.equal({
      'X-A': '1',
      [`X-A${'a'.repeat(MAX_KEY_LENGTH - 1)}`]: '2',
    });
  });
});

describe('contextHeaders: values as sent', () => {
  it('printable ASCII goes as it is, except %', () => {
    let ascii = '';
    for (let c = 0x21; c <= 0x7e; c++) ascii += String.fromCharCode(c);
    const inner = `a ${ascii} b`;
    expect(contextHeaders({ v: inner })).to.deep.equal({ 'X-V': inner.replace('%', '%25') });
  });

  it('% and non-ASCII characters are percent-encoded as UTF-8 (decodeURIComponent gives the value back)', () => {
    expect(
      contextHeaders('name=caf%C3%A9&off=50%25&emoji=%F0%9F%98%80&city=Jakarta+%E2%80%94+Selatan'),
    ).to.deep.equal({
      'X-Name': 'caf%C3%A9',
      'X-Off': '50%25',
      'X-Emoji': '%F0%9F%98%80',
      'X-City': 'Jakarta %E2%80%94 Selatan',
    });
    for (const value of ['café', '50%', '%C3%A9 literally', ' edge ', 'ü-ß-中文', '  ']) {
      const sent = contextHeaders({ v: value })['X-V']!;
      expect(sent).to.match(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/);
      expect(decodeURIComponent(sent)).to.equal(value);
    }
  });

  it('spaces at either end are sent as %20 (SIP would trim them); inner spaces stay', () => {
    expect(contextHeaders({ v: '  a b ' })).to.deep.equal({ 'X-V': '%20%20a b%20' });
  });

  it('a value of 200 characters as sent is accepted, also when encoded', () => {
    const ascii = 'v'.repeat(MAX_VALUE_LENGTH);
    expect(contextHeaders({ a: ascii })['X-A']).to.equal(ascii);
    // é is 6 characters once encoded: 33 of them are 198.
    expect(contextHeaders({ a: 'é'.repeat(33) })['X-A']).to.have.length(198);
  });
});

describe('contextHeaders: refusals (invalid-config, naming the key, never the value)', () => {
  const SECRET = 's3cr3t-Value';

  it('CR or LF in a value (header injection)', () => {
    const message = expectRefused('a=1%0D%0AVia:x', 'a', ['Via', '1\r']);
    expect(message).not.to.match(/[\r\n]/);
    expectRefused(`page=ok&b=${SECRET}%0A`, 'b', [SECRET]);
    expectRefused({ c: `${SECRET}\r` }, 'c', [SECRET]);
  });

  it('other control characters in a value: TAB, NUL, DEL, C1', () => {
    for (const encoded of ['%09', '%00', '%7F', '%C2%80', '%C2%85', '%C2%9F', '%1B']) {
      expectRefused(`k=${SECRET}${encoded}`, 'k', [SECRET]);
    }
    expectRefused({ k: `${SECRET}\u009b` }, 'k', [SECRET]);
  });

  it('a lone surrogate in a value', () => {
    expectRefused({ k: `${SECRET}\ud800` }, 'k', [SECRET]);
    expectRefused({ k: `\udc00${SECRET}` }, 'k', [SECRET]);
  });

  it('a key that is not letters, digits and single inner -', () => {
    for (const key of ['a b', 'a_b', 'ä', 'a:b', 'a.b', '-a', 'a-', 'a--b', 'Via:', 'a\r\nVia']) {
      expectRefused({ [key]: SECRET }, key, [SECRET]);
    }
    // From the attribute: a+b and a%20b are the key "a b".
    expectRefused(`a+b=${SECRET}`, 'a b', [SECRET]);
    expectRefused(`a%20b=${SECRET}`, 'a b', [SECRET]);
    // An empty key.
    expectRefused(`=${SECRET}`, '', [SECRET]);
  });

  it('a key of 33 characters: the detail shows only its first 32', () => {
    const key = `${'k'.repeat(MAX_KEY_LENGTH)}Z`;
    const message = expectRefused({ [key]: SECRET }, 'k'.repeat(MAX_KEY_LENGTH), [SECRET]);
    expect(message).not.to.include(key);
    // A long invalid key too: cut, JSON-escaped.
    const bad = `${'x'.repeat(40)}\r\n${SECRET}`;
    const badMessage = expectRefused({ [bad]: '1' }, 'x'.repeat(MAX_KEY_LENGTH), [SECRET]);
    expect(badMessage).not.to.match(/[\r\n]/);
  });

  it('a value of 201 characters, or over 200 once encoded', () => {
    expectRefused({ a: 'v'.repeat(MAX_VALUE_LENGTH + 1) }, 'a', ['v'.repeat(20)]);
    expectRefused(`a=${'v'.repeat(MAX_VALUE_LENGTH + 1)}`, 'a', ['v'.repeat(20)]);
    // 34 × é is only 34 characters, but 204 once encoded.
    expectRefused({ a: 'é'.repeat(34) }, 'a', ['é', '%C3%A9']);
    // Edge spaces count as %20: 198 + two spaces is 204 as sent.
    expectRefused({ a: ` ${'v'.repeat(198)} ` }, 'a');
  });

  it(`more than ${MAX_KEYS} keys`, () => {
    const ten = Object.fromEntries(Array.from({ length: MAX_KEYS }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(contextHeaders(ten))).to.have.length(MAX_KEYS);
    expectRefused({ ...ten, k10: SECRET }, 'k10', [SECRET]);
    const query = Array.from({ length: MAX_KEYS + 1 }, (_, i) => `k${i}=${SECRET}`).join('&');
    expectRefused(query, 'k10', [SECRET]);
    // Keys with empty values count too.
    expectRefused(query.replaceAll(SECRET, ''), 'k10');
  });

  it(`over ${MAX_TOTAL_BYTES} bytes of headers in all (Name: value CRLF each)`, () => {
    // 7 lines of "X-Kn: " + 200 + CRLF are 7 × 208 = 1456 bytes; "X-K8: " + v + CRLF is v + 8.
    const seven = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [`k${i + 1}`, 'v'.repeat(MAX_VALUE_LENGTH)]),
    );
    const exact = contextHeaders({ ...seven, k8: 'w'.repeat(36) });
    const bytes = Object.entries(exact).reduce((n, [k, v]) => n + `${k}: ${v}\r\n`.length, 0);
    expect(bytes).to.equal(MAX_TOTAL_BYTES);
    expectRefused({ ...seven, k8: 'w'.repeat(37) }, 'k8', ['w'.repeat(10)]);
  });

  it('the same key twice, or two keys for the same header in another case', () => {
    expectRefused(`a=1&a=${SECRET}`, 'a', [SECRET]);
    expectRefused(`a=${SECRET}&a=${SECRET}`, 'a', [SECRET]);
    expectRefused(`page=1&Page=${SECRET}`, 'Page', [SECRET]);
    expectRefused({ 'crm-id': '1', 'CRM-ID': SECRET }, 'CRM-ID', [SECRET]);
    expectRefused({ 'crm-id': '1', 'Crm-Id': SECRET }, 'Crm-Id', [SECRET]);
  });
});

/** Wraps getUserMedia and console.warn to count calls and keep messages, until `restore()`. */
function watch() {
  const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, 'getUserMedia');
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const seen = { microphone: 0, warnings: [] as string[] };
  navigator.mediaDevices.getUserMedia = (constraints) => {
    seen.microphone += 1;
    return gum(constraints);
  };
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    seen.warnings.push(args.map(String).join(' '));
  };
  return {
    seen,
    restore: () => {
      if (own) Object.defineProperty(navigator.mediaDevices, 'getUserMedia', own);
      else Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
      console.warn = warn;
    },
  };
}

/** How long a step of a call may take: generous, for a busy machine. */
const STEP_MS = 10_000;

/** Calls and waits for the INVITE; returns the options `session.call()` got. */
async function invite(el: VoipCallButton, connector: FakeConnector) {
  el.call();
  await until(() => el.state === 'calling', STEP_MS);
  return connector.last.callOptions;
}

describe('context through the element', function () {
  this.timeout(3 * STEP_MS);
  before(async function () {
    // The call chunk and the context chunk, loaded once ahead: a cold load on a busy machine
    // must not eat into the first test's wait for the INVITE.
    this.timeout(20_000);
    await import('../../src/call/index.js');
    await import('../../src/context/index.js');
  });

  it('the context attribute → its headers on the call', async () => {
    const { el, connector } = await mountWithFake({
      context: 'page=/checkout&order=1234&title=Caf%C3%A9+Rio',
    });
    expect(await invite(el, connector)).to.deep.equal({
      headers: { 'X-Page': '/checkout', 'X-Order': '1234', 'X-Title': 'Caf%C3%A9 Rio' },
    });
    await hangUp(el, STEP_MS);
  });

  it('the context property (a record) → its headers on the call', async () => {
    const { el, connector } = await mountWithFake();
    el.context = { page: '/pricing', 'crm-id': 'C-77', lang: 'id' };
    expect(await invite(el, connector)).to.deep.equal({
      headers: { 'X-Page': '/pricing', 'X-Crm-Id': 'C-77', 'X-Lang': 'id' },
    });
    await hangUp(el, STEP_MS);
  });

  it('a context of empty values only → no headers field at all', async () => {
    const { el, connector } = await mountWithFake({ context: 'vip&crm=' });
    expect(await invite(el, connector)).to.deep.equal({});
    await hangUp(el, STEP_MS);
  });

  for (const [what, set] of [
    [
      'attribute with CR LF',
      (el: VoipCallButton) => el.setAttribute('context', 'a=1%0D%0AVia:s3cr3t'),
    ],
    [
      'property with a number',
      (el: VoipCallButton) => (el.context = { page: 'x', order: 1 as unknown as string }),
    ],
    ['property with a bad key', (el: VoipCallButton) => (el.context = { a_b: 's3cr3t' })],
  ] as const) {
    it(`an invalid context (${what}) → one voip-error invalid-config, nothing touched; fixed, the next call works`, async () => {
      const { el, connector } = await mountWithFake();
      set(el);
      const log = record(el);
      const watched = watch();
      try {
        el.call();
        await until(() => log.count('voip-error') === 1 && el.state === 'idle', STEP_MS);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(log.count('voip-error')).to.equal(1);
        expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('invalid-config');
        expect(log.count('voip-ended')).to.equal(0);
        expect(connector.connects).to.equal(0);
        expect(watched.seen.microphone).to.equal(0);
        expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
        expect(el.state).to.equal('idle');
        // The console says what is wrong, and never the value.
        const warning = watched.seen.warnings.join('\n');
        expect(warning).to.include('invalid-config').and.to.include('"context"');
        expect(warning).not.to.include('s3cr3t');
        expect(warning).not.to.include('Via');
      } finally {
        watched.restore();
      }
      el.context = 'page=/fixed';
      expect(await invite(el, connector)).to.deep.equal({ headers: { 'X-Page': '/fixed' } });
      expect(connector.connects).to.equal(1);
      expect(log.count('voip-error')).to.equal(1);
      await hangUp(el, STEP_MS);
    });
  }
});
