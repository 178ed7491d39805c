/**
 * The pre-call check (`preflight` attribute, `preflight()`), over a fake connector: the steps in
 * order with their results, the verdict, `voip-preflight`, the speaker question, cancelling (by
 * the visitor, by a call), and that everything it opened is released. The real gateway and its
 * EchoTest plugin are in test/e2e/preflight.test.ts.
 */
import { expect } from '@open-wc/testing';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import '../../src/voip-call-button.js';
import { VoipError } from '../../src/errors.js';
import type { PreflightCheck, VoipPreflightDetail } from '../../src/events.js';
import { preflightTiming } from '../../src/preflight/run.js';
import type { EchoOptions, EchoTest } from '../../src/sip/session.js';
import { FakeConnector, mountWithFake, until } from '../support/fake-connector.js';
import { inFirefox } from '../support/browsers.js';
import { rejection } from '../support/promises.js';

/** A connector whose gateways answer (or not) and whose echo carries packets (or not). */
class EchoConnector extends FakeConnector {
  /** Servers that do not answer the probe. */
  readonly down = new Set<string>();
  probes: string[] = [];
  echoes: EchoOptions[] = [];
  closed = 0;
  /** The echo's statistics: packets received and lost per second. */
  perSecond = { received: 50, lost: 0 };
  echoError: VoipError | undefined;
  /** The type of the local candidate the echo's statistics list. */
  candidate = 'host';

  async probe(server: string): Promise<number> {
    this.probes.push(server);
    if (this.down.has(server)) throw new VoipError('server-unreachable', server);
    return 12.4;
  }

  async echoTest(options: EchoOptions): Promise<EchoTest> {
    this.echoes.push(options);
    if (this.echoError) throw this.echoError;
    const start = performance.now();
    const rate = this.perSecond;
    const candidateType = this.candidate;
    return {
      failed: false,
      getStats: async () => {
        const seconds = (performance.now() - start) / 1000;
        return new Map<string, object>([
          [
            'in',
            {
              type: 'inbound-rtp',
              kind: 'audio',
              packetsReceived: Math.round(rate.received * seconds),
              packetsLost: Math.round(rate.lost * seconds),
              jitter: 0.004,
            },
          ],
          [
            'pair',
            {
              type: 'candidate-pair',
              state: 'succeeded',
              nominated: true,
              currentRoundTripTime: 0.03,
            },
          ],
          ['local', { type: 'local-candidate', candidateType }],
        ]) as unknown as RTCStatsReport;
      },
      close: async () => void (this.closed += 1),
    };
  }
}

const part = (el: VoipCallButton, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~='${name}']`);
const step = (el: VoipCallButton, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part='preflight-step'][data-step='${name}']`);

/**
 * A microphone that plays a steady tone (the browsers' fake devices beep only now and then), and
 * the streams opened on it, to see the check's stopped.
 */
function watchMicrophone() {
  const streams: MediaStream[] = [];
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const audio = new AudioContext();
  navigator.mediaDevices.getUserMedia = async () => {
    await Promise.race([audio.resume(), new Promise((r) => setTimeout(r, 300))]);
    const tone = audio.createOscillator();
    const destination = audio.createMediaStreamDestination();
    tone.connect(destination);
    tone.start();
    streams.push(destination.stream);
    return destination.stream;
  };
  return {
    streams,
    restore: () => {
      navigator.mediaDevices.getUserMedia = real;
      void audio.close();
    },
    /** Whether the first stream (the check's) is stopped. */
    stopped: () => !!streams[0]?.getTracks().every((t) => t.readyState === 'ended'),
  };
}

async function mount(attributes: Record<string, string> = { preflight: '' }) {
  const { el } = await mountWithFake(attributes);
  const connector = new EchoConnector();
  el.connector = connector;
  const results: VoipPreflightDetail[] = [];
  el.addEventListener('voip-preflight', (e) => results.push(e.detail));
  return { el, connector, results };
}

/**
 * The microphone's row of a check where everything else passes, and its verdict. Headless Firefox
 * keeps an audio context made without a click suspended: the level reads nothing there (`silent`,
 * a warning), which is what a visitor's browser that blocks audio gives too.
 */
const micRow = (result: VoipPreflightDetail) =>
  inFirefox && result.checks[0]?.detail === 'silent'
    ? ['microphone', 'warning', 'silent']
    : ['microphone', 'ok', 'ok'];
const micVerdict = (result: VoipPreflightDetail) => (micRow(result)[1] === 'ok' ? 'ok' : 'warning');

/** Answers the speaker question with the button named `answer` once it shows. */
async function answer(el: VoipCallButton, answer: 'preflight-yes' | 'preflight-no') {
  await until(() => !!part(el, answer), 5000);
  part(el, answer)!.click();
}

describe('the pre-call check', function () {
  this.timeout(15_000);
  let mic: ReturnType<typeof watchMicrophone>;
  const timing = { ...preflightTiming };
  beforeEach(() => {
    Object.assign(preflightTiming, { micMs: 300, toneMs: 100, mediaMs: 1200, answerMs: 3000 });
    mic = watchMicrophone();
  });
  afterEach(() => {
    Object.assign(preflightTiming, timing);
    mic.restore();
  });

  it('"Test my connection" runs every step in order, shows each result, and fires voip-preflight', async () => {
    const { el, connector, results } = await mount();
    await until(() => !!part(el, 'preflight-start'));
    expect(part(el, 'preflight-start')!.textContent!.trim()).to.equal('Test my connection');
    part(el, 'preflight-start')!.click();
    await until(() => step(el, 'microphone')?.dataset['status'] === 'running');
    await answer(el, 'preflight-yes');
    await until(() => results.length === 1, 8000);
    const [result] = results;
    expect(result!.verdict).to.equal(micVerdict(result!));
    expect(result!.checks.map((c) => [c.name, c.status, c.detail])).to.deep.equal([
      micRow(result!),
      ['speaker', 'ok', 'heard'],
      ['gateway', 'ok', 'ok'],
      ['media', 'ok', 'ok'],
    ]);
    const media = result!.checks[3]!;
    expect(media).to.include({ rttMs: 30, jitterMs: 4, lossPct: 0 });
    expect(result!.mos).to.equal(media.mos);
    expect(result!.mos).to.be.above(4);
    if (!inFirefox) expect(result!.checks[0]!.level).to.be.above(0);
    expect(result!.checks[2]!.servers).to.deep.equal([{ url: 'ws://127.0.0.1:8188/', ms: 12 }]);
    // What the visitor reads, and that nothing is left open; no call was placed.
    await until(() => !!part(el, 'preflight-verdict')?.textContent?.trim());
    expect(part(el, 'preflight-verdict')!.textContent!.trim()).to.equal(
      micVerdict(result!) === 'ok'
        ? 'All set: your calls should work well.'
        : 'Calls should work, but see what we found below.',
    );
    expect(step(el, 'media')!.textContent).to.contain('Good.');
    expect(connector.closed).to.equal(1);
    expect(mic.stopped()).to.equal(true);
    expect(connector.connects).to.equal(0);
    expect(el.state).to.equal('idle');
    // Close hides it; the control is back.
    part(el, 'preflight-close')!.click();
    await until(() => !part(el, 'preflight') && !!part(el, 'preflight-start'));
  });

  it('the echo does not come back: the media step fails, with what to do', async () => {
    const { el, connector, results } = await mount();
    connector.echoError = new VoipError('failed', 'no echo in 10000 ms');
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    const result = await run;
    expect(results).to.deep.equal([result]);
    expect(result.verdict).to.equal('failed');
    expect(result.checks[3]).to.deep.equal({ name: 'media', status: 'failed', detail: 'no-echo' });
    expect(result.mos).to.equal(undefined);
    expect(step(el, 'media')!.textContent).to.contain('does not get through this network');
    expect(mic.stopped()).to.equal(true);
  });

  it('heavy loss on the echo: a warning with the MOS it gives', async () => {
    const { el, connector } = await mount();
    connector.perSecond = { received: 40, lost: 10 };
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    const result = await run;
    expect(result.verdict).to.equal('warning');
    expect(result.checks[3]).to.include({ status: 'warning', detail: 'poor' });
    // 10 of every 50 packets lost; the fake's counters are whole packets at each sample's time.
    expect(result.checks[3]!.lossPct).to.be.closeTo(20, 1);
    expect(result.mos).to.be.below(3.5);
  });

  it('with iceServers, a relay candidate is looked for: none is a warning', async () => {
    const { el, connector } = await mount();
    el.iceServers = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }];
    let run = el.preflight();
    await answer(el, 'preflight-yes');
    let result = await run;
    expect(connector.echoes[0]!.iceServers).to.deep.equal(el.iceServers);
    expect(result.checks[3]).to.include({ status: 'warning', detail: 'no-relay', relay: false });
    expect(step(el, 'media')!.textContent).to.contain('backup route is not reachable');
    connector.candidate = 'relay';
    run = el.preflight();
    await answer(el, 'preflight-yes');
    result = await run;
    expect(result.checks[3]).to.include({ status: 'ok', detail: 'ok', relay: true });
    // Without iceServers nothing is said about a relay.
    el.iceServers = [];
    run = el.preflight();
    await answer(el, 'preflight-yes');
    expect((await run).checks[3]!.relay).to.equal(undefined);
  });

  it('no gateway answers: the gateway fails, the media step is not run', async () => {
    const { el, connector } = await mount({
      preflight: '',
      server: 'ws://127.0.0.1:8188/a ws://127.0.0.1:8189/b',
    });
    connector.down.add('ws://127.0.0.1:8188/a').add('ws://127.0.0.1:8189/b');
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    const result = await run;
    expect(connector.probes).to.have.members(['ws://127.0.0.1:8188/a', 'ws://127.0.0.1:8189/b']);
    expect(result.checks.slice(2)).to.deep.equal([
      {
        name: 'gateway',
        status: 'failed',
        detail: 'unreachable',
        servers: [{ url: 'ws://127.0.0.1:8188/a' }, { url: 'ws://127.0.0.1:8189/b' }],
      },
      { name: 'media', status: 'skipped', detail: 'not-run' },
    ]);
    expect(connector.echoes).to.deep.equal([]);
    expect(result.verdict).to.equal('failed');
  });

  it('one of two gateways answers: a warning, and the media path is still measured', async () => {
    const { el, connector } = await mount({
      preflight: '',
      server: 'ws://127.0.0.1:8188/a ws://127.0.0.1:8189/b',
    });
    connector.down.add('ws://127.0.0.1:8189/b');
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    const result = await run;
    expect(result.checks[2]).to.include({ status: 'warning', detail: 'some-unreachable' });
    expect(result.checks[3]!.status).to.equal('ok');
    expect(result.verdict).to.equal('warning');
  });

  it('the microphone is refused: it fails, and the network is measured with a tone instead', async () => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    const { el, connector } = await mount();
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    const result = await run;
    expect(result.checks[0]).to.deep.equal({
      name: 'microphone',
      status: 'failed',
      detail: 'denied',
    });
    expect(connector.echoes).to.have.length(1);
    expect(connector.echoes[0]!.stream.getAudioTracks()).to.have.length(1);
    expect(result.checks[3]!.status).to.equal('ok');
    expect(result.verdict).to.equal('failed');
    expect(step(el, 'microphone')!.textContent).to.contain('Allow the microphone');
  });

  it('the tone was not heard: the speaker fails; unanswered, it is skipped', async () => {
    const { el } = await mount();
    let run = el.preflight();
    await answer(el, 'preflight-no');
    let result = await run;
    expect(result.checks[1]).to.include({ status: 'failed', detail: 'not-heard' });
    preflightTiming.answerMs = 200;
    run = el.preflight();
    result = await run;
    expect(result.checks[1]).to.include({ status: 'skipped', detail: 'no-answer' });
    expect(result.verdict).to.equal(micVerdict(result));
  });

  it('Cancel stops it at once: no voip-preflight, preflight() rejects, everything released', async () => {
    const { el, connector, results } = await mount();
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    await until(() => connector.echoes.length === 1, 5000);
    part(el, 'preflight-cancel')!.click();
    expect((await rejection(run)).message).to.equal('cancelled');
    await until(() => connector.closed === 1);
    expect(mic.stopped()).to.equal(true);
    expect(results).to.deep.equal([]);
    await until(() => !part(el, 'preflight') && !!part(el, 'preflight-start'));
  });

  it('removed from the page during the check: it stops and releases everything; moved, it goes on', async () => {
    const { el, connector, results } = await mount();
    let run = el.preflight();
    await answer(el, 'preflight-yes');
    await until(() => connector.echoes.length === 1, 5000);
    // Moved (removed and inserted in one task): the check goes on to its result.
    const parent = el.parentNode!;
    el.remove();
    parent.appendChild(el);
    await run;
    expect(results).to.have.length(1);
    run = el.preflight();
    await answer(el, 'preflight-yes');
    await until(() => connector.echoes.length === 2, 5000);
    el.remove();
    expect((await rejection(run)).message).to.equal('cancelled');
    await until(() => connector.closed === 2);
    expect(mic.streams[1]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(results).to.have.length(1);
  });

  it('a call started during the check cancels it, and the call goes ahead', async () => {
    const { el, connector, results } = await mount();
    const run = el.preflight();
    await until(() => step(el, 'microphone')?.dataset['status'] === 'running');
    el.call();
    expect((await rejection(run)).message).to.equal('cancelled');
    await until(() => el.state === 'calling');
    expect(connector.connects).to.equal(1);
    expect(mic.stopped()).to.equal(true);
    expect(part(el, 'preflight')).to.equal(null);
    expect(results).to.deep.equal([]);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('is refused during a call; a second preflight() joins the one under way', async () => {
    const { el, connector } = await mount();
    el.call();
    await until(() => el.state === 'calling');
    expect((await rejection(el.preflight())).message).to.equal('a call is under way');
    el.hangup();
    await until(() => el.state === 'idle');
    const first = el.preflight();
    const second = el.preflight();
    await answer(el, 'preflight-yes');
    expect(await second).to.equal(await first);
    expect(connector.echoes).to.have.length(1);
  });

  it('without the attribute there is no control, and preflight() still runs it', async () => {
    const { el, results } = await mount({});
    await new Promise((r) => setTimeout(r, 200));
    expect(part(el, 'preflight-start')).to.equal(null);
    const run = el.preflight();
    await answer(el, 'preflight-yes');
    await run;
    expect(results).to.have.length(1);
  });

  it('speaks the page language, and is accessible while it runs and when done', async () => {
    const { el } = await mount({ preflight: '', lang: 'de' });
    await until(
      () => part(el, 'preflight-start')?.textContent?.trim() === 'Verbindung testen',
      5000,
    );
    await expect(el).to.be.accessible();
    const run = el.preflight();
    await until(() => !!part(el, 'preflight-yes'), 5000);
    await expect(el).to.be.accessible();
    // The question takes the focus: the visitor answers it with the keyboard.
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'preflight-yes'));
    part(el, 'preflight-yes')!.click();
    const checks: readonly PreflightCheck[] = (await run).checks;
    await expect(el).to.be.accessible();
    expect(checks[3]!.status).to.equal('ok');
    expect(step(el, 'media')!.textContent).to.contain('Gut.');
  });
});
