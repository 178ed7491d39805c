import { expect } from '@open-wc/testing';
import {
  parseDialString,
  parseServers,
  parseSipDomain,
  toSipUri,
} from '../../src/sip/dial-target.js';

describe('parseDialString', () => {
  const valid: Array<[string, string, 'e164' | 'extension']> = [
    ['+62215550100', '+62215550100', 'e164'],
    ['+62 21 555-0100', '+62215550100', 'e164'],
    ['+1 (415) 555.0100', '+14155550100', 'e164'],
    ['  +442071234567 ', '+442071234567', 'e164'],
    ['2000', '2000', 'extension'],
    ['*97', '*97', 'extension'],
    ['#21#', '#21#', 'extension'],
    ['0', '0', 'extension'],
    ['021 555 0100', '0215550100', 'extension'],
    ['+123456789012345', '+123456789012345', 'e164'],
  ];
  for (const [input, digits, kind] of valid) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(parseDialString(input)).to.deep.equal({ kind, digits });
    });
  }

  const invalid: string[] = [
    '',
    '   ',
    'sip:2000@evil.example',
    '2000@evil.example',
    '2000;transport=tcp',
    '2000?X=1',
    '2000\r\nX-Injected: 1',
    '2000\n',
    '20\r00',
    'abc',
    '2000a',
    '+',
    '++62215550100',
    '+62+215550100',
    '\u0661\u0662\u0663', // Arabic-Indic digits
    '\uff11\uff12\uff13', // full-width digits
    '٢٠٠٠',
    '1'.repeat(40),
    '+' + '1'.repeat(16),
    '1'.repeat(21),
    '2000&9000', // Asterisk Dial() injection
    '2000,9000',
    '2000:5060',
    '(2000)',
    '2000%23',
    '2000\u0000',
    ' '.repeat(70) + '2000',
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      expect(parseDialString(input)).to.equal(null);
    });
  }

  it('refuses non-strings', () => {
    expect(parseDialString(null)).to.equal(null);
    expect(parseDialString(undefined)).to.equal(null);
  });
});

describe('parseSipDomain', () => {
  const valid: Array<[string, string]> = [
    ['pbx.example.com', 'pbx.example.com'],
    ['PBX.Example.com', 'pbx.example.com'],
    ['127.0.0.1:5060', '127.0.0.1:5060'],
    ['sip.example.com:5080', 'sip.example.com:5080'],
    ['[2001:db8::1]', '[2001:db8::1]'],
    ['[2001:db8::1]:5060', '[2001:db8::1]:5060'],
    ['localhost', 'localhost'],
  ];
  for (const [input, out] of valid) {
    it(`accepts ${input}`, () => expect(parseSipDomain(input)).to.equal(out));
  }
  const invalid = [
    '',
    'evil.example;transport=tcp',
    'user@pbx.example.com',
    'pbx.example.com:0',
    'pbx.example.com:65536',
    'pbx.example.com:50x',
    '-pbx.example.com',
    'pbx..example.com',
    'pbx.example.com\r\n',
    'pbx example com',
    'sip:pbx.example.com',
    '[2001:db8::1',
    '[zz::1]',
    'a:b:c',
    'exämple.com',
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => expect(parseSipDomain(input)).to.equal(null));
  }
});

describe('parseServers', () => {
  it('accepts ws, wss, http and https URLs separated by spaces', () => {
    expect(
      parseServers('wss://janus.example.com/ws  https://janus2.example.com/janus'),
    ).to.deep.equal(['wss://janus.example.com/ws', 'https://janus2.example.com/janus']);
    expect(parseServers('ws://127.0.0.1:8188')).to.deep.equal(['ws://127.0.0.1:8188/']);
  });
  for (const input of [
    '',
    'janus.example.com',
    'ftp://x',
    'wss://user:pw@janus.example.com/',
    'javascript:alert(1)',
    'wss://a/#x',
  ]) {
    it(`refuses ${JSON.stringify(input)}`, () => expect(parseServers(input)).to.equal(null));
  }
});

describe('parseServers transport rule', () => {
  it('accepts ws: and http: only for this machine', () => {
    expect(parseServers('ws://localhost:8188')).to.deep.equal(['ws://localhost:8188/']);
    expect(parseServers('http://127.0.0.2:8088/janus')).to.deep.equal([
      'http://127.0.0.2:8088/janus',
    ]);
    expect(parseServers('ws://[::1]:8188')).to.deep.equal(['ws://[::1]:8188/']);
  });

  for (const input of [
    'ws://janus.example.com/ws',
    'http://janus.example.com/janus',
    'ws://10.0.0.5:8188',
    'ws://localhost.evil.example',
    'wss://janus.example.com/ws ws://janus2.example.com/ws',
  ]) {
    it(`refuses ${JSON.stringify(input)}: TLS is required off this machine`, () => {
      expect(parseServers(input)).to.equal(null);
    });
  }
});

describe('toSipUri', () => {
  it('builds the request URI and escapes #', () => {
    expect(toSipUri({ kind: 'extension', digits: '*21#' }, 'pbx.example.com')).to.equal(
      'sip:*21%23@pbx.example.com',
    );
    expect(toSipUri({ kind: 'e164', digits: '+62215550100' }, '127.0.0.1:5060')).to.equal(
      'sip:+62215550100@127.0.0.1:5060',
    );
  });
});
