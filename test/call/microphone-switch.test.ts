/**
 * Switching microphones mid-call (`useMicrophone` in src/call/call.ts), reached as a visitor
 * does: through the audio settings of the panel. A switch opens the chosen device (`exact`),
 * replaces the track the call sends, stops the old one and remembers the choice; one that fails
 * (the device cannot be opened, or the gateway cannot take the new track) gives one `voip-error`
 * `action-failed` and the call goes on with the old microphone.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import { VoipError } from '../../src/errors.js';
import type { VoipErrorDetail } from '../../src/events.js';
import { DEVICE_STORAGE_KEY } from '../../src/media/devices.js';
import { answeredCall, mountWithFake, until } from '../support/fake-connector.js';
import { chromiumOnly } from '../support/browsers.js';

/** Why Firefox skips the switches: they need two microphones: Chromium's fake devices offer two, Firefox's one. */
const MICROPHONES = "needs two microphones: Chromium's fake devices offer two, Firefox's one";

function panelOf(el: VoipCallButton): VoipCallPanel {
  return el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
}

/** Opens the panel's audio settings and returns the microphone `<select>` once it lists devices. */
async function microphoneSelect(el: VoipCallButton): Promise<HTMLSelectElement> {
  const root = () => panelOf(el).shadowRoot!;
  await until(() => root().querySelector('[part~="settings-toggle"]') !== null);
  root().querySelector<HTMLButtonElement>('[part~="settings-toggle"]')!.click();
  await until(() => (root().querySelector('select')?.options.length ?? 0) > 0);
  return root().querySelector('select')!;
}

/** Chooses `deviceId` in the microphone `<select>`, as the visitor does. */
function choose(select: HTMLSelectElement, deviceId: string): void {
  select.value = deviceId;
  select.dispatchEvent(new Event('change'));
}

/** A microphone other than the one the call uses. */
async function anotherMicrophone(el: VoipCallButton): Promise<string> {
  const current = el.localStream!.getAudioTracks()[0]!.getSettings().deviceId;
  const inputs = (await navigator.mediaDevices.enumerateDevices()).filter(
    (d) => d.kind === 'audioinput' && d.deviceId !== current && d.deviceId !== 'default',
  );
  expect(inputs.length, 'Chromium offers another fake microphone').to.be.greaterThan(0);
  return inputs[0]!.deviceId;
}

describe('switching microphones mid-call', () => {
  let saved: string | null;
  const restores: Array<() => void> = [];
  beforeEach(() => {
    saved = localStorage.getItem(DEVICE_STORAGE_KEY);
    localStorage.removeItem(DEVICE_STORAGE_KEY);
  });
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
    if (saved === null) localStorage.removeItem(DEVICE_STORAGE_KEY);
    else localStorage.setItem(DEVICE_STORAGE_KEY, saved);
  });

  /** Replaces getUserMedia until the test ends. */
  function replaceGetUserMedia(fn: MediaDevices['getUserMedia']): void {
    const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, 'getUserMedia');
    navigator.mediaDevices.getUserMedia = fn;
    restores.push(() => {
      if (own) Object.defineProperty(navigator.mediaDevices, 'getUserMedia', own);
      else Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    });
  }

  async function answered() {
    const { el, connector } = await mountWithFake();
    const errors: VoipErrorDetail[] = [];
    el.addEventListener('voip-error', (e) => errors.push(e.detail));
    await answeredCall(el, connector);
    await el.updateComplete;
    return { el, session: connector.last, errors };
  }

  async function hangUp(el: VoipCallButton) {
    el.hangup();
    await until(() => el.state === 'idle');
  }

  chromiumOnly(MICROPHONES)(
    'choosing another microphone replaces the track, stops the old one, keeps mute, and remembers it',
    async () => {
      const { el, session, errors } = await answered();
      el.mute(true);
      const before = el.localStream!;
      const oldTrack = before.getAudioTracks()[0]!;
      const select = await microphoneSelect(el);
      const id = await anotherMicrophone(el);
      choose(select, id);
      await until(() => session.replacedTracks.length === 1);
      await until(() => el.localStream !== before);
      const newTrack = el.localStream!.getAudioTracks()[0]!;
      expect(session.replacedTracks.length).to.equal(1);
      expect(session.replacedTracks[0] === newTrack, 'the new track was sent').to.equal(true);
      expect(newTrack.getSettings().deviceId).to.equal(id);
      expect(newTrack.readyState).to.equal('live');
      expect(newTrack.enabled, 'still muted').to.equal(false);
      expect(oldTrack.readyState).to.equal('ended');
      expect(JSON.parse(localStorage.getItem(DEVICE_STORAGE_KEY)!)).to.deep.equal({
        microphone: id,
      });
      expect(errors).to.deep.equal([]);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
      expect(newTrack.readyState).to.equal('ended');
    },
  );

  chromiumOnly(MICROPHONES)(
    'a microphone that cannot be opened → one voip-error action-failed; the old one goes on',
    async () => {
      const { el, session, errors } = await answered();
      const before = el.localStream!;
      const track = before.getAudioTracks()[0]!;
      const select = await microphoneSelect(el);
      const id = await anotherMicrophone(el);
      const asked: MediaStreamConstraints[] = [];
      replaceGetUserMedia((constraints) => {
        asked.push(constraints ?? {});
        return Promise.reject(new DOMException('Could not start audio source', 'NotReadableError'));
      });
      choose(select, id);
      await until(() => errors.length === 1);
      await new Promise((r) => setTimeout(r, 30));
      expect(errors).to.deep.equal([
        { code: 'action-failed', message: 'That did not work. Please try again.' },
      ]);
      expect(asked).to.have.length(1);
      expect((asked[0]!.audio as MediaTrackConstraints).deviceId).to.deep.equal({ exact: id });
      expect(session.replacedTracks.length).to.equal(0);
      expect(el.state).to.equal('in-call');
      expect(el.localStream === before, 'still the old stream').to.equal(true);
      expect(track.readyState).to.equal('live');
      expect(track.enabled).to.equal(true);
      expect(localStorage.getItem(DEVICE_STORAGE_KEY), 'nothing remembered').to.equal(null);
      await hangUp(el);
    },
  );

  chromiumOnly(MICROPHONES)(
    'a new track the gateway refuses (replaceAudioTrack rejects) → one voip-error action-failed; the old one goes on',
    async () => {
      const { el, session, errors } = await answered();
      const before = el.localStream!;
      const track = before.getAudioTracks()[0]!;
      const id = await anotherMicrophone(el);
      session.replaceAudioTrack = () =>
        Promise.reject(new VoipError('failed', 'replaceTracks: no sender'));
      await panelOf(el).call!.useMicrophone(id);
      expect(errors.map((e) => e.code)).to.deep.equal(['action-failed']);
      expect(el.state).to.equal('in-call');
      expect(el.localStream === before, 'still the old stream').to.equal(true);
      expect(track.readyState).to.equal('live');
      expect(localStorage.getItem(DEVICE_STORAGE_KEY), 'nothing remembered').to.equal(null);
      await hangUp(el);
    },
  );

  it('before the answer the switch is refused with not-in-call, and no microphone is opened', async () => {
    const { el, connector } = await mountWithFake();
    const errors: string[] = [];
    el.addEventListener('voip-error', (e) => errors.push(e.detail.code));
    el.call();
    await until(() => el.state === 'calling' && el.localStream !== null);
    let opened = 0;
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    replaceGetUserMedia((constraints) => {
      opened += 1;
      return gum(constraints);
    });
    await panelOf(el).call!.useMicrophone('default');
    expect(errors).to.deep.equal(['not-in-call']);
    expect(opened).to.equal(0);
    expect(connector.last.replacedTracks.length).to.equal(0);
    await hangUp(el);
  });
});
