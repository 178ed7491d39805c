/** The text conversation's pure rules (src/chat/text.ts). */
import { expect } from '@open-wc/testing';
import {
  MAX_RECEIVED,
  clock,
  invalidText,
  limiter,
  linkParts,
  shortened,
} from '../../src/chat/text.js';

describe('text rules', () => {
  it('invalidText: says why a text cannot be sent', () => {
    expect(invalidText('hello')).to.equal(undefined);
    expect(invalidText('a\nb')).to.equal(undefined);
    expect(invalidText('x'.repeat(1000))).to.equal(undefined);
    expect(invalidText('\u00a0é\u2028ok')).to.equal(undefined); // not controls
    expect(invalidText('')).to.equal('no text');
    expect(invalidText(' \n ')).to.equal('no text');
    expect(invalidText(null)).to.equal('no text');
    expect(invalidText('x'.repeat(1001))).to.equal('1001 characters, at most 1000');
    expect(invalidText('a\u001bb')).to.equal('control character U+001b');
    expect(invalidText('a\u009fb')).to.equal('control character U+009f');
    expect(invalidText('a\u00a0b')).to.equal(undefined);
  });

  it('shortened: cuts at 2,000, never inside a surrogate pair', () => {
    expect(shortened('a'.repeat(MAX_RECEIVED))).to.equal(undefined);
    expect(shortened('a'.repeat(MAX_RECEIVED + 1))).to.equal('a'.repeat(MAX_RECEIVED));
    const emoji = `${'a'.repeat(MAX_RECEIVED - 1)}😀b`;
    expect(shortened(emoji)).to.equal('a'.repeat(MAX_RECEIVED - 1));
  });

  it('linkParts: https URLs only, without the sentence’s punctuation', () => {
    expect(linkParts('plain')).to.deep.equal(['plain']);
    expect(linkParts('')).to.deep.equal([]);
    expect(linkParts('Go to https://a.example/x?y=1, then (https://b.example).')).to.deep.equal([
      'Go to ',
      { href: 'https://a.example/x?y=1', text: 'https://a.example/x?y=1' },
      ', then (',
      { href: 'https://b.example/', text: 'https://b.example' },
      ').',
    ]);
    for (const text of [
      'http://a.example',
      'javascript:alert(1)',
      'https://',
      'https://user:pw@a.example',
      'https://[bad',
      'ftp://a.example',
    ]) {
      expect(linkParts(text), text).to.deep.equal([text]);
    }
  });

  it('limiter: a sliding window', () => {
    const real = clock.now;
    let now = 0;
    clock.now = () => now;
    try {
      const take = limiter(2, 1000);
      expect(take()).to.equal(true);
      now = 500;
      expect([take(), take()]).to.deep.equal([true, false]);
      now = 999;
      expect(take()).to.equal(false);
      now = 1000; // the first left the window, the second has not
      expect([take(), take()]).to.deep.equal([true, false]);
      now = 1500;
      expect(take()).to.equal(true);
    } finally {
      clock.now = real;
    }
  });
});
