/**
 * The audio a page decodes, read from WebRTC statistics instead of a WebAudio analyser: headless
 * Firefox has no audio output (its AudioContext never starts), and many pages at once cost less
 * this way (npm run bench:load). `keepPeers` (an init script) keeps every peer connection the page
 * makes; `decodedLevels` reads the newest one's inbound audio energy.
 */
import type { Page } from 'playwright-core';

/** An init script: every RTCPeerConnection the page makes, in `window.vcbPeers`. */
export function keepPeers(): void {
  const Native = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { vcbPeers: RTCPeerConnection[] }).vcbPeers = made;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  };
}

/**
 * The RMS level (0..1) of the audio the page's newest peer connection decoded, in consecutive
 * windows of `windowMs` over `ms` (getStats' totalAudioEnergy over totalSamplesDuration); none
 * without a peer connection (see `keepPeers`).
 */
export function decodedLevels(page: Page, ms = 2000, windowMs = 100): Promise<number[]> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(
    async ([duration, windowLength]) => {
      const peers = (window as unknown as { vcbPeers?: RTCPeerConnection[] }).vcbPeers ?? [];
      const peer = peers[peers.length - 1];
      const levels: number[] = [];
      if (!peer) return levels;
      let last: { energy: number; seconds: number } | undefined;
      for (let next = performance.now(); levels.length < duration / windowLength;) {
        const stats = await peer.getStats();
        let energy = 0;
        let seconds = 0;
        stats.forEach(
          (s: {
            type: string;
            kind?: string;
            totalAudioEnergy?: number;
            totalSamplesDuration?: number;
          }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio') {
              energy += s.totalAudioEnergy ?? 0;
              seconds += s.totalSamplesDuration ?? 0;
            }
          },
        );
        if (last && seconds > last.seconds)
          levels.push(Math.sqrt((energy - last.energy) / (seconds - last.seconds)));
        else if (last) levels.push(0);
        last = { energy, seconds };
        next += windowLength;
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
      return levels;
    },
    [ms, windowMs] as const,
  );
}
