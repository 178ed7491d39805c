/**
 * Bugs of the video capability (src/video/index.ts) found while testing it, each shown by a test
 * that fails until it is fixed. Not part of the unit suite (the runner takes `*.test.ts` only):
 * run it with `npx web-test-runner test/video/known-bugs.ts`; once a test here passes, move it
 * into video.test.ts.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipVideoDetail } from '../../src/events.js';
import { answeredCall, hangUp, mountWithFake, until } from '../support/fake-connector.js';
import { restoreMedia, watchCamera } from './support.js';

describe('video: known bugs', () => {
  afterEach(restoreMedia);

  /*
   * A camera change under way when the far end transfers the call lands after the transfer:
   * `sendCamera` checks only `over()` (the end of the call) after its waits, not the transfer,
   * so once the transferor's re-INVITE answers it sets `camera`, fires voip-video
   * {local: 'camera'} and leaves the camera open (its light on) for the rest of a call that is
   * voice only, with `cameraOn` true (the screen has the same path in `setScreen`). Suggested
   * fix in src/video/index.ts: `const over = () => stopped || transferred;` (what `over()`
   * guards is "this call's video is done"): the track opened meanwhile is released and nothing
   * is reported. With it, this test and video.test.ts pass.
   */
  it('a camera change under way during a transfer is dropped: the camera released, no voip-video camera', async () => {
    const camera = watchCamera();
    const { el, connector } = await mountWithFake({ ringback: 'off', video: 'optional' });
    const videos: VoipVideoDetail[] = [];
    el.addEventListener('voip-video', (e) => videos.push(e.detail));
    await answeredCall(el, connector);
    const session = connector.last;
    let open!: () => void;
    session.videoGate = new Promise((resolve) => (open = resolve));
    const turning = el.camera(true);
    await until(() => session.videoChanges.length === 1);
    session.emit({ type: 'transfer', referId: 7, target: 'sip:2008@127.0.0.1:5060' });
    await until(() => connector.sessions.length === 2 && connector.last.calledUri !== undefined);
    open(); // the transferor's re-INVITE answers now
    await turning.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(el.cameraOn, 'a voice call after the transfer').to.equal(false);
    expect(videos.map((v) => v.local)).to.not.include('camera');
    expect(camera.opened[0]!.readyState, 'the camera released').to.equal('ended');
    await hangUp(el);
  });
});
