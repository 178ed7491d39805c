/**
 * Helpers for the video tests: the camera and the screen as the browser gives them, watched or
 * replaced for the length of a test (`restoreMedia()` in `afterEach` puts the browser's back and
 * stops every track a test made).
 */

/** Every track the helpers handed out, stopped by `restoreMedia()`. */
const made: MediaStreamTrack[] = [];
const restores: Array<() => void> = [];

/** Puts the browser's getUserMedia and getDisplayMedia back and stops every track handed out. */
export function restoreMedia(): void {
  for (const restore of restores.splice(0).reverse()) restore();
  for (const track of made.splice(0)) track.stop();
}

/** Replaces `navigator.mediaDevices[name]` until `restoreMedia()`. */
function replace<K extends 'getUserMedia' | 'getDisplayMedia'>(name: K, fn: MediaDevices[K]): void {
  const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, name);
  Object.defineProperty(navigator.mediaDevices, name, {
    value: fn,
    configurable: true,
    writable: true,
  });
  restores.push(() => {
    if (own) Object.defineProperty(navigator.mediaDevices, name, own);
    else Reflect.deleteProperty(navigator.mediaDevices, name);
  });
}

/** A live video track that is not a camera (a canvas's), like a shared screen's. */
export function canvasTrack(): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  canvas.getContext('2d')!.fillRect(0, 0, 64, 48);
  const track = canvas.captureStream(5).getVideoTracks()[0]!;
  made.push(track);
  return track;
}

/** What the camera was asked for, and how each request goes. */
export interface CameraWatch {
  /** The `video` constraints of each camera request, in order. */
  readonly asked: MediaTrackConstraints[];
  /** Every camera track handed out, in order. */
  readonly opened: MediaStreamTrack[];
  /**
   * How the next camera requests end: `open` (Chromium's fake camera), a DOMException name to
   * reject with, or `hang` (the prompt nobody answers; `answer()` ends it later).
   */
  next: 'open' | 'hang' | string;
  /** Ends the requests left hanging: they open the camera now. */
  answer(): Promise<void>;
}

/**
 * Watches the camera requests (`getUserMedia` with video); microphone requests go to the
 * browser as usual.
 */
export function watchCamera(): CameraWatch {
  const browser = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const hanging: Array<() => Promise<void>> = [];
  const open = async (constraints: MediaStreamConstraints) => {
    const stream = await browser(constraints);
    for (const track of stream.getVideoTracks()) {
      made.push(track);
      watch.opened.push(track);
    }
    return stream;
  };
  const watch: CameraWatch = {
    asked: [],
    opened: [],
    next: 'open',
    answer: async () => {
      for (const done of hanging.splice(0)) await done();
    },
  };
  replace('getUserMedia', (constraints?: MediaStreamConstraints) => {
    if (!constraints?.video) return browser(constraints);
    watch.asked.push(constraints.video as MediaTrackConstraints);
    if (watch.next === 'open') return open(constraints);
    if (watch.next === 'hang') {
      return new Promise<MediaStream>((resolve, reject) =>
        hanging.push(() => open(constraints).then(resolve, reject)),
      );
    }
    return Promise.reject(new DOMException('refused by the test', watch.next));
  });
  return watch;
}

/** What the screen picker was asked for, and how each request goes. */
export interface ScreenWatch {
  /** The options of each `getDisplayMedia`, in order. */
  readonly asked: Array<DisplayMediaStreamOptions | undefined>;
  /** Every screen track handed out, in order. */
  readonly opened: MediaStreamTrack[];
  /** How the next requests end: `open` (a canvas track) or a DOMException name to reject with. */
  next: 'open' | string;
}

/** Replaces `getDisplayMedia`: each request gets a new canvas track, or is refused. */
export function fakeScreen(): ScreenWatch {
  const watch: ScreenWatch = { asked: [], opened: [], next: 'open' };
  replace('getDisplayMedia', (options?: DisplayMediaStreamOptions) => {
    watch.asked.push(options);
    if (watch.next !== 'open') {
      return Promise.reject(new DOMException('refused by the test', watch.next));
    }
    const track = canvasTrack();
    watch.opened.push(track);
    return Promise.resolve(new MediaStream([track]));
  });
  return watch;
}

/** Replaces `getDisplayMedia` with `undefined` (a browser that cannot share a screen). */
export function noScreenSharing(): void {
  replace('getDisplayMedia', undefined as unknown as MediaDevices['getDisplayMedia']);
}

/** A `getStats()` report made of these stats (keyed by an index). */
export function statsReport(stats: ReadonlyArray<Record<string, unknown>>): RTCStatsReport {
  return new Map(stats.map((s, i) => [`S${i}`, s])) as unknown as RTCStatsReport;
}
