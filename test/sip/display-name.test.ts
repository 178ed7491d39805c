import { expect } from '@open-wc/testing';
import { MAX_DISPLAY_NAME_LENGTH, sanitizeDisplayName } from '../../src/sip/display-name.js';

describe('sanitizeDisplayName', () => {
  it('keeps ordinary names, including non-ASCII letters', () => {
    expect(sanitizeDisplayName('Website visitor')).to.equal('Website visitor');
    expect(sanitizeDisplayName('  Siti   Rahayu ')).to.equal('Siti Rahayu');
    expect(sanitizeDisplayName('Zoë Ünal')).to.equal('Zoë Ünal');
  });

  it('drops what would break or inject into a SIP From header', () => {
    expect(sanitizeDisplayName('Eve" <sip:x@evil>')).to.equal('Eve sip:x@evil');
    expect(sanitizeDisplayName('a\r\nX-Evil: 1')).to.equal('aX-Evil: 1');
    expect(sanitizeDisplayName('back\\slash')).to.equal('backslash');
  });

  it('bounds the length and returns undefined for nothing', () => {
    expect(sanitizeDisplayName('x'.repeat(200))).to.have.length(MAX_DISPLAY_NAME_LENGTH);
    expect(sanitizeDisplayName('""')).to.equal(undefined);
    expect(sanitizeDisplayName(null)).to.equal(undefined);
  });
});
