/**
 * The voice codecs a call offers (src/sip/codecs.ts): the order the `codecs` attribute asks for,
 * applied to a real Chromium offer's audio section.
 */
import { expect } from '@open-wc/testing';
import { codecOrder, preferCodecs } from '../../src/sip/codecs.js';
import { mountWithFake, until } from '../support/fake-connector.js';

/** The audio section of a Chromium 156 offer (shortened), then a video section. */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

const mLine = (sdp: string, kind = 'audio') =>
  sdp.split('\r\n').find((line) => line.startsWith(`m=${kind}`));

describe('codecOrder (the codecs attribute)', () => {
  it('defaults to wideband first: Opus, G.722, then G.711', () => {
    expect(codecOrder(null)).to.deep.equal(['opus', 'g722', 'pcmu', 'pcma']);
    expect(codecOrder('  ')).to.deep.equal(['opus', 'g722', 'pcmu', 'pcma']);
  });

  it('takes the names it knows in their order (any case, spaces or commas), once each', () => {
    expect(codecOrder('G722, opus pcma')).to.deep.equal(['g722', 'opus', 'pcma', 'pcmu']);
    expect(codecOrder('pcmu pcmu opus')).to.deep.equal(['pcmu', 'opus', 'pcma']);
  });

  it('ignores unknown names, and always keeps G.711 as the last resort', () => {
    expect(codecOrder('speex amr-wb opus')).to.deep.equal(['opus', 'pcmu', 'pcma']);
    expect(codecOrder('speex')).to.deep.equal(['opus', 'g722', 'pcmu', 'pcma']);
  });
});

describe('preferCodecs (the offer)', () => {
  it('puts the voice codecs in the order asked; DTMF and comfort noise follow', () => {
    const sdp = preferCodecs(OFFER, ['g722', 'opus', 'pcmu', 'pcma']);
    expect(mLine(sdp)).to.equal('m=audio 9 UDP/TLS/RTP/SAVPF 9 111 0 8 63 13 110 126');
    expect(mLine(sdp, 'video'), 'video untouched').to.equal('m=video 9 UDP/TLS/RTP/SAVPF 96');
    expect(sdp.endsWith('\r\n')).to.equal(true);
    expect(sdp.includes('\n') && !/[^\r]\n/.test(sdp), 'CRLF throughout').to.equal(true);
  });

  it('takes out the voice codecs not asked for, with their lines, and RED carrying Opus', () => {
    const sdp = preferCodecs(OFFER, codecOrder('pcma'));
    expect(mLine(sdp)).to.equal('m=audio 9 UDP/TLS/RTP/SAVPF 8 0 13 110 126');
    for (const gone of [
      'a=rtpmap:111',
      'a=fmtp:111',
      'a=rtcp-fb:111',
      'a=rtpmap:63',
      'a=fmtp:63',
      'a=rtpmap:9 ',
    ]) {
      expect(sdp, gone).to.not.include(gone);
    }
    expect(sdp).to.include('a=rtpmap:8 PCMA/8000');
    expect(sdp).to.include('a=rtpmap:126 telephone-event/8000');
  });

  it("by default: Opus, G.722, G.711, then the rest (RED too) in the browser's order", () => {
    expect(mLine(preferCodecs(OFFER, codecOrder(null)))).to.equal(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 63 13 110 126',
    );
  });
});

describe('<voip-call-button codecs>', () => {
  for (const [value, offered] of [
    [undefined, ['opus', 'g722', 'pcmu', 'pcma']],
    ['G722, pcma speex', ['g722', 'pcma', 'pcmu']],
  ] as const) {
    it(`codecs=${String(value)} → the call offers ${offered.join(' ')}`, async () => {
      const { el, connector } = await mountWithFake(value ? { codecs: value } : {});
      el.call();
      await until(() => el.state === 'calling');
      expect(connector.last.codecs).to.deep.equal(offered);
      el.hangup();
      await until(() => el.state === 'idle');
    });
  }
});
