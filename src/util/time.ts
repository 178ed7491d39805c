/**
 * The timeout helpers of the call half, one family, named by what they do. Each clears its own
 * timer when it settles, so none outlives the wait it bounds.
 */

/**
 * `promise`, or a rejection with `error()` after `ms`. With a `signal`, the timer stops when it
 * aborts (the caller gave up on the wait; `promise` still settles the result).
 */
export function rejectAfter<T>(
  promise: Promise<T>,
  ms: number,
  error: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => clearTimeout(timer);
  signal?.addEventListener('abort', stop, { once: true });
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms))),
  ]).finally(() => {
    stop();
    signal?.removeEventListener('abort', stop);
  });
}

/** Waits for `promise` to settle, or `ms`, whichever comes first. Never rejects. */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms` (at once for 0 or less), or as soon as `signal` aborts. Never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
