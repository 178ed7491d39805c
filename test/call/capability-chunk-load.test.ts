/**
 * A capability's own chunk (here the video chunk, `import('../video/index.js')` in
 * src/call/capabilities.ts, which a call with `video="optional"` loads) cannot be downloaded: the call's capabilities load before it starts
 * (measured with `npm run bench`: loading them in parallel with the gateway session saved nothing
 * on this stack), so the call stops with `load-failed` before it opens anything.
 *
 * As in test/call-chunk-load.test.ts, an import map set before anything loaded the chunk sends
 * its URL to a port where nothing listens, for the life of this page: this file holds only tests
 * that want the video chunk unreachable.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipErrorDetail } from '../../src/events.js';
import { mountWithFake, record, until } from '../support/fake-connector.js';
import { chromiumOnlySuite, inFirefox } from '../support/browsers.js';

const UNREACHABLE = 'http://127.0.0.1:9/voip-video-chunk.js';

before(() => {
  if (inFirefox) return;
  const loaded = performance
    .getEntriesByType('resource')
    .some((e) => e.name.includes('/src/video/index.'));
  expect(loaded, 'nothing in this page loaded the video chunk yet').to.equal(false);
  const map = document.createElement('script');
  map.type = 'importmap';
  const imports: Record<string, string> = {};
  for (const file of ['../../src/video/index.js', '../../src/video/index.ts']) {
    imports[new URL(file, import.meta.url).href.replace(/\?.*$/, '')] = UNREACHABLE;
  }
  map.textContent = JSON.stringify({ imports });
  document.head.append(map);
});

chromiumOnlySuite(
  "Firefox (ESR 153) does not apply an import map added after the page's modules loaded, the way this file makes the chunk unreachable",
)('a capability chunk cannot be loaded', () => {
  it('→ one voip-error load-failed; no gateway contacted, no microphone, back to idle', async () => {
    const { el, connector } = await mountWithFake({ video: 'optional' });
    const log = record(el);
    const streams: MediaStream[] = [];
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await gum(constraints);
      streams.push(stream);
      return stream;
    };
    try {
      el.call();
      await until(() => el.state === 'idle' && log.count('voip-error') === 1, 5000);
    } finally {
      Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    }
    expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('load-failed');
    expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
    expect(log.count('voip-ended')).to.equal(0);
    expect(connector.connects, 'no gateway contacted').to.equal(0);
    expect(streams.length, 'no microphone').to.equal(0);
  });
});
