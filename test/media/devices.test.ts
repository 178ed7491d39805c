/**
 * What the element asks `getUserMedia` for (src/media/devices.ts): its `audioConstraints`
 * property, with the microphone remembered for the site as an `ideal` device, or the one chosen
 * mid-call as an `exact` device; and what `audioConstraints = false` does.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import type { VoipErrorDetail } from '../../src/events.js';
import { DEVICE_STORAGE_KEY } from '../../src/media/devices.js';
import { answeredCall, mountWithFake, record, until } from '../support/fake-connector.js';

const DEFAULT_AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

describe('audioConstraints reach getUserMedia', () => {
  let asked: MediaStreamConstraints[];
  let saved: string | null;
  let restore: () => void;

  beforeEach(() => {
    saved = localStorage.getItem(DEVICE_STORAGE_KEY);
    localStorage.removeItem(DEVICE_STORAGE_KEY);
    asked = [];
    const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, 'getUserMedia');
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      // A copy: what was asked at that moment.
      asked.push(structuredClone(constraints ?? {}));
      return gum(constraints);
    };
    restore = () => {
      if (own) Object.defineProperty(navigator.mediaDevices, 'getUserMedia', own);
      else Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    };
  });

  afterEach(() => {
    restore();
    if (saved === null) localStorage.removeItem(DEVICE_STORAGE_KEY);
    else localStorage.setItem(DEVICE_STORAGE_KEY, saved);
  });

  /** Places a call with `constraints` (left unset when `undefined`) and returns what was asked. */
  async function callWith(
    constraints?: MediaTrackConstraints | boolean,
  ): Promise<{ el: VoipCallButton; audio: MediaStreamConstraints['audio'] }> {
    const { el, connector } = await mountWithFake();
    if (constraints !== undefined) el.audioConstraints = constraints;
    el.call();
    await until(() => connector.sessions.length === 1 && asked.length === 1);
    expect(asked[0]!.video).to.equal(false);
    return { el, audio: asked[0]!.audio };
  }

  async function hangUp(el: VoipCallButton) {
    el.hangup();
    await until(() => el.state === 'idle');
  }

  it('default (undefined): echo cancellation, noise suppression and auto gain', async () => {
    const { el, audio } = await callWith();
    expect(el.audioConstraints).to.equal(undefined);
    expect(audio).to.deep.equal(DEFAULT_AUDIO);
    await hangUp(el);
  });

  it('default with a remembered microphone: the defaults plus that device as ideal', async () => {
    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ microphone: 'mic-remembered' }));
    const { el, audio } = await callWith();
    expect(audio).to.deep.equal({ ...DEFAULT_AUDIO, deviceId: { ideal: 'mic-remembered' } });
    // `ideal`: a device that is gone does not stop the call.
    await until(() => el.state === 'calling');
    await hangUp(el);
  });

  it('a custom object is passed as given (no defaults added)', async () => {
    const custom = { echoCancellation: false, channelCount: 1, sampleRate: 48000 };
    const { el, audio } = await callWith(custom);
    expect(audio).to.deep.equal(custom);
    await hangUp(el);
  });

  it('a custom object with a remembered microphone: as given, plus that device as ideal', async () => {
    localStorage.setItem(
      DEVICE_STORAGE_KEY,
      JSON.stringify({ microphone: 'mic-remembered', speaker: 'spk-1' }),
    );
    const custom: MediaTrackConstraints = { noiseSuppression: false };
    const { el, audio } = await callWith(custom);
    expect(audio).to.deep.equal({ noiseSuppression: false, deviceId: { ideal: 'mic-remembered' } });
    expect(custom, "the page's object is not changed").to.deep.equal({ noiseSuppression: false });
    await hangUp(el);
  });

  it('a remembered microphone replaces a deviceId the page gave', async () => {
    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ microphone: 'mic-remembered' }));
    const { el, audio } = await callWith({ deviceId: 'page-choice' });
    expect(audio).to.deep.equal({ deviceId: { ideal: 'mic-remembered' } });
    await hangUp(el);
  });

  it('unreadable storage is no memory: the constraints as given', async () => {
    localStorage.setItem(DEVICE_STORAGE_KEY, '{not json');
    const { el, audio } = await callWith();
    expect(audio).to.deep.equal(DEFAULT_AUDIO);
    await hangUp(el);
  });

  it('true: the browser defaults ({ audio: true }); with a remembered microphone, only that device as ideal', async () => {
    const first = await callWith(true);
    expect(first.audio).to.equal(true);
    await hangUp(first.el);
    asked = [];
    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ microphone: 'mic-remembered' }));
    const second = await callWith(true);
    expect(second.audio).to.deep.equal({ deviceId: { ideal: 'mic-remembered' } });
    await hangUp(second.el);
  });

  it('false: asks for no audio at all (even with a remembered microphone), so the call fails with mic-unavailable', async () => {
    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ microphone: 'mic-remembered' }));
    const { el, connector } = await mountWithFake();
    const log = record(el);
    el.audioConstraints = false;
    el.call();
    await until(() => el.state === 'idle' && log.count('voip-error') === 1);
    expect(asked).to.deep.equal([{ audio: false, video: false }]);
    // getUserMedia refuses a request for nothing (TypeError), which reads as mic-unavailable.
    expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('mic-unavailable');
    expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
    expect(connector.last.calledUri).to.equal(undefined);
    expect(connector.last.closes).to.equal(1);
  });

  it("a microphone chosen mid-call is asked for as exact, on top of the page's constraints", async () => {
    const { el, connector } = await mountWithFake();
    el.audioConstraints = { autoGainControl: false };
    await answeredCall(el, connector);
    const current = el.localStream!.getAudioTracks()[0]!.getSettings().deviceId!;
    const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
    await panel.call!.useMicrophone(current);
    expect(asked.map((c) => c.audio)).to.deep.equal([
      { autoGainControl: false },
      { autoGainControl: false, deviceId: { exact: current } },
    ]);
    await hangUp(el);
  });

  it('the property is read when a call starts: a change mid-call applies to the next call', async () => {
    const { el, connector } = await mountWithFake();
    await answeredCall(el, connector);
    el.audioConstraints = { echoCancellation: false };
    await hangUp(el);
    await answeredCall(el, connector);
    expect(asked.map((c) => c.audio)).to.deep.equal([DEFAULT_AUDIO, { echoCancellation: false }]);
    await hangUp(el);
  });
});
