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

/**
 * Awaits `step`, or rejects as soon as `signal` aborts. When `step` rejects, the first rejection
 * among `order` wins, so that errors of a combined step are reported in a stable order.
 */
export function unlessAborted<T>(
  step: Promise<T>,
  order: readonly Promise<unknown>[],
  signal: AbortSignal,
): Promise<T> {
  const ordered = step.catch(async (error: unknown) => {
    const results = await Promise.allSettled(order);
    const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw first ? first.reason : error;
  });
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  // The race subscribes to both: the one that loses rejects unheard, but not unhandled.
  return Promise.race([ordered, aborted]);
}
