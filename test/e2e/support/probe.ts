/**
 * A leak probe for end-to-end tests: an init script that counts, in the page, what a call opens
 * and must release (peer connections, microphone tracks, WebSockets, timers, `pagehide`
 * listeners), and helpers that read those counts and the JS heap after a garbage collection.
 * The probe only observes: it wraps the browser APIs and passes every call through unchanged.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** What the page holds open right now. */
export interface Holdings {
  /** RTCPeerConnections created and not closed. */
  peerConnections: number;
  /** Tracks from getUserMedia and getDisplayMedia (microphone, camera, screen) still live. */
  liveTracks: number;
  /** WebSockets connecting or open. */
  openSockets: number;
  /** setInterval timers not cleared. */
  intervals: number;
  /** setTimeout timers neither fired nor cleared. */
  timeouts: number;
  /** `pagehide` listeners on window. */
  pagehideListeners: number;
}

// A string, not a function: the test files are compiled with names kept (tsx), which would add
// helper calls the page does not have.
const PROBE = `(() => {
  // Pages that cannot call (about:blank, insecure contexts) lack these: nothing to watch there.
  if (!window.RTCPeerConnection || !window.MediaDevices) return;
  const created = { pcs: 0, closed: 0 };
  const tracks = [];
  const sockets = [];
  const intervals = new Set();
  const timeouts = new Set();
  const pagehide = new Set();
  const PC = window.RTCPeerConnection;
  const close = PC.prototype.close;
  PC.prototype.close = function () {
    if (this.signalingState !== 'closed' && !this.__vcbClosed) { this.__vcbClosed = true; created.closed++; }
    return close.call(this);
  };
  const peers = [];
  window.RTCPeerConnection = class extends PC {
    constructor(...args) { super(...args); created.pcs++; peers.push(new WeakRef(this)); }
  };
  // The peer connections not closed yet, oldest first (tests read their statistics).
  window.vcbPeers = () => peers.map((r) => r.deref()).filter((pc) => pc && pc.signalingState !== 'closed');
  for (const name of ['getUserMedia', 'getDisplayMedia']) {
    const open = MediaDevices.prototype[name];
    if (!open) continue;
    MediaDevices.prototype[name] = function (...args) {
      return open.apply(this, args).then((stream) => {
        for (const t of stream.getTracks()) tracks.push(new WeakRef(t));
        return stream;
      });
    };
  }
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) { super(...args); sockets.push(new WeakRef(this)); }
  };
  const [si, ci, st, ct] = [setInterval, clearInterval, setTimeout, clearTimeout];
  window.setInterval = (...args) => { const id = si(...args); intervals.add(id); return id; };
  window.clearInterval = (id) => { intervals.delete(id); return ci(id); };
  window.setTimeout = (fn, ...rest) => {
    const id = st((...a) => { timeouts.delete(id); if (typeof fn === 'function') fn(...a); }, ...rest);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => { timeouts.delete(id); return ct(id); };
  const add = window.addEventListener;
  const remove = window.removeEventListener;
  window.addEventListener = function (type, fn, ...rest) {
    if (type === 'pagehide') pagehide.add(fn);
    return add.call(this, type, fn, ...rest);
  };
  window.removeEventListener = function (type, fn, ...rest) {
    if (type === 'pagehide') pagehide.delete(fn);
    return remove.call(this, type, fn, ...rest);
  };
  window.vcbHoldings = () => ({
    peerConnections: created.pcs - created.closed,
    liveTracks: tracks.filter((r) => r.deref()?.readyState === 'live').length,
    openSockets: sockets.filter((r) => { const s = r.deref(); return s && s.readyState <= 1; }).length,
    intervals: intervals.size,
    timeouts: timeouts.size,
    pagehideListeners: pagehide.size,
  });
})();`;

/** Installs the probe in every page of `context` (call before opening the page). */
export async function installProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: PROBE });
}

/** What the page holds open now (the probe must be installed). */
export function holdings(page: Page): Promise<Holdings> {
  return page.evaluate(() => (window as unknown as { vcbHoldings: () => Holdings }).vcbHoldings());
}

/** The page's used JS heap in bytes, after a full garbage collection. */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize;
  } finally {
    await cdp.detach();
  }
}
