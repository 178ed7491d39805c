import { expect } from '@open-wc/testing';
import { en } from '../../src/i18n/en.js';
import { enAway } from '../../src/away/en-away.js';
import { enCallback } from '../../src/callback/en-callback.js';
import { enCall } from '../../src/call/en-call.js';
import { enChat } from '../../src/chat/en-chat.js';
import { enTransfer } from '../../src/transfer/en-transfer.js';
import { enVideo } from '../../src/video/en-video.js';
import { id } from '../../src/i18n/id.js';
import { formatDuration } from '../../src/panel/call-panel.js';
import {
  addBuiltInTranslation,
  loadTranslation,
  registerTranslation,
  translate,
} from '../../src/i18n/index.js';
import { END_REASONS, ERROR_CODES } from '../../src/errors.js';
import { CallState } from '../../src/call-state.js';

describe('i18n', () => {
  const english = {
    ...en,
    ...enAway,
    ...enCallback,
    ...enCall,
    ...enChat,
    ...enTransfer,
    ...enVideo,
  };

  it('has English text for every state, end reason and error code', () => {
    for (const state of Object.values(CallState))
      expect(english).to.have.property(`state.${state}`);
    for (const reason of END_REASONS) expect(english[`ended.${reason}`], reason).to.match(/\w/);
    for (const code of ERROR_CODES) expect(english[`error.${code}`], code).to.match(/\w/);
  });

  it('has Indonesian for every English key, translated', () => {
    expect(Object.keys(id).sort()).to.deep.equal(Object.keys(english).sort());
    for (const [key, text] of Object.entries(id)) {
      if (text !== '') expect(text, key).to.not.equal(english[key as keyof typeof english]);
    }
  });

  it('loads Indonesian on demand, keeps strings the page set, falls back string by string', async () => {
    registerTranslation('id', { 'ended.busy': 'Semua agen sedang sibuk.' });
    await loadTranslation('id-ID');
    expect(translate('id-ID', 'label')).to.equal('Hubungi kami');
    expect(translate('id', 'ended.busy')).to.equal('Semua agen sedang sibuk.');
    expect(translate('id', 'ended.declined')).to.equal(id['ended.declined']);
    expect(loadTranslation('id')).to.equal(undefined); // already loaded
    registerTranslation('xx', { label: 'Xx' });
    expect(translate('xx', 'label')).to.equal('Xx');
    expect(translate('xx', 'action.cancel')).to.equal('Cancel call');
    expect(translate('fr', 'label')).to.equal('Call us');
  });

  it('built-in text arriving later never replaces what the page registered', () => {
    registerTranslation('en', { 'ended.busy': 'All our agents are busy.' });
    addBuiltInTranslation('en', enCall);
    expect(translate('en', 'ended.busy')).to.equal('All our agents are busy.');
    expect(translate('en', 'ended.declined')).to.equal(enCall['ended.declined']);
  });

  it('formats call time', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(9_999)).to.equal('0:09');
    expect(formatDuration(61_000)).to.equal('1:01');
    expect(formatDuration(3_600_000 + 62_000)).to.equal('1:01:02');
    expect(formatDuration(-5)).to.equal('0:00');
  });
});
