import { expect } from '@open-wc/testing';
import { en } from '../../src/i18n/en.js';
import { enAway } from '../../src/away/en-away.js';
import { enCallback } from '../../src/callback/en-callback.js';
import { enCall } from '../../src/call/en-call.js';
import { enChat } from '../../src/chat/en-chat.js';
import { enFeedback } from '../../src/feedback/en-feedback.js';
import { enFloating } from '../../src/floating/en-floating.js';
import { enPreflight } from '../../src/preflight/en-preflight.js';
import { enTransfer } from '../../src/transfer/en-transfer.js';
import { enVideo } from '../../src/video/en-video.js';
import { ar } from '../../src/i18n/ar.js';
import { de } from '../../src/i18n/de.js';
import { es } from '../../src/i18n/es.js';
import { fr } from '../../src/i18n/fr.js';
import { id } from '../../src/i18n/id.js';
import { ja } from '../../src/i18n/ja.js';
import type { Messages } from '../../src/i18n/messages.js';
import { pt } from '../../src/i18n/pt.js';
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
    ...enFeedback,
    ...enFloating,
    ...enPreflight,
    ...enTransfer,
    ...enVideo,
  };

  it('has English text for every state, end reason and error code', () => {
    for (const state of Object.values(CallState))
      expect(english).to.have.property(`state.${state}`);
    for (const reason of END_REASONS) expect(english[`ended.${reason}`], reason).to.match(/\w/);
    for (const code of ERROR_CODES) expect(english[`error.${code}`], code).to.match(/\w/);
  });

  const BUILT_IN: Record<string, Messages> = { id, es, pt, fr, de, ar, ja };
  const SAME_AS_ENGLISH = new Set(['de callback.name']); // "Name (optional)" is German too
  /** The placeholders of a message (`{when}`, `{phone}`, `{n}`), sorted. */
  const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();

  for (const [tag, messages] of Object.entries(BUILT_IN)) {
    it(`has ${tag} for every English key, translated, its placeholders kept`, () => {
      // A missing or extra key fails here (and in the type check: Messages lists them all).
      expect(Object.keys(messages).sort()).to.deep.equal(Object.keys(english).sort());
      for (const [key, text] of Object.entries(messages)) {
        const source = english[key as keyof typeof english];
        if (source === '') {
          expect(text, key).to.equal('');
          continue;
        }
        expect(text, key).to.match(/\S/);
        expect(placeholders(text), key).to.deep.equal(placeholders(source));
        // Only a short word may read the same as in English ("Text", "Video", "Agent"), and
        // what is checked to be the same word in that language.
        if (text === source && !SAME_AS_ENGLISH.has(`${tag} ${key}`)) {
          expect(text.length, `${tag} ${key}: "${text}"`).to.be.at.most(12);
        }
      }
    });
  }

  it('loads each built-in language on demand, by its primary subtag', async () => {
    for (const [tag, messages] of Object.entries(BUILT_IN)) {
      await loadTranslation(`${tag}-XX`);
      expect(translate(`${tag}-XX`, 'ended.declined'), tag).to.equal(messages['ended.declined']);
    }
    expect(loadTranslation('en-GB')).to.equal(undefined); // English is built in
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
    expect(translate('sv', 'label')).to.equal('Call us'); // not built in: English
  });

  it('built-in text arriving later never replaces what the page registered', () => {
    registerTranslation('en', { 'ended.busy': 'All our agents are busy.' });
    addBuiltInTranslation('en', enCall);
    expect(translate('en', 'ended.busy')).to.equal('All our agents are busy.');
    expect(translate('en', 'ended.declined')).to.equal(enCall['ended.declined']);
  });

  it('formats call time', () => {
    expect(formatDuration(0)).to.equal('00:00');
    expect(formatDuration(9_999)).to.equal('00:09');
    expect(formatDuration(61_000)).to.equal('01:01');
    expect(formatDuration(3_600_000 + 62_000)).to.equal('1:01:02');
    expect(formatDuration(-5)).to.equal('00:00');
    // In the visitor's language, with its digits (Intl); the same shape without Intl's help.
    expect(formatDuration(61_000, 'ar-EG')).to.equal('٠١:٠١');
    expect(formatDuration(3_662_000, 'hi-IN-u-nu-deva')).to.equal('१:०१:०२');
    expect(formatDuration(61_000, 'not a tag!')).to.equal('01:01');
    const { DurationFormat } = Intl as unknown as { DurationFormat: unknown };
    delete (Intl as unknown as { DurationFormat?: unknown }).DurationFormat;
    try {
      expect(formatDuration(3_662_000, 'fr-x-old-browser')).to.equal('1:01:02');
      expect(formatDuration(9_000, 'fr-x-old-browser')).to.equal('00:09');
    } finally {
      (Intl as unknown as { DurationFormat: unknown }).DurationFormat = DurationFormat;
    }
  });
});
