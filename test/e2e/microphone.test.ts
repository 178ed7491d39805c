/**
 * End to end: every way the microphone can fail, each produced by the real Chromium: no capture
 * device, permission refused, a device that fails to start, and a permission prompt nobody
 * answers (a real prompt: Chromium with a window, on a virtual X display). None of them sends an
 * INVITE or leaves a Janus session; each ends with one voip-error and its visitor message.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import type { Browser } from 'playwright-core';
import { addButton, launchBrowser, placeCall, states, waitForEvent } from './support/browser.js';
import { assertReleased, useStackFixture } from './support/fixture.js';

const fixture = useStackFixture();

/**
 * Places a call in `browser` and checks what every microphone failure shares: `code` with a
 * message matching `message`, connecting → ending → idle, no INVITE, nothing left. Resolves
 * with the time from call() to the error.
 */
async function failsWith(
  browser: Browser,
  code: string,
  message: RegExp,
  options: { lang?: string; attributes?: Record<string, string> } = {},
): Promise<number> {
  const { page } = await fixture.freshPage(browser);
  const mark = fixture.baresip.mark();
  await addButton(page, options);
  const at = await placeCall(page);
  const error = await waitForEvent(page, 'voip-error', 15_000);
  assert.equal(error.detail['code'], code);
  assert.match(String(error.detail['message']), message);
  assert.match((await page.locator('#under-test [part="status"]').textContent()) ?? '', message);
  assert.deepEqual(await states(page), ['connecting', 'ending', 'idle']);
  await assertReleased(page);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(
    fixture.baresip.events(mark).map((e) => e.type),
    [],
    'baresip saw no call',
  );
  return error.at - at;
}

/** Runs `body` with a browser launched with `options`, closed afterwards. */
async function withBrowser(
  options: Parameters<typeof launchBrowser>[0],
  body: (browser: Browser) => Promise<void>,
): Promise<void> {
  const browser = await launchBrowser(options);
  try {
    await body(browser);
  } finally {
    await browser.close();
  }
}

/** A virtual X display (Xvfb) for a Chromium with a window; stopped by PID (TERM, then KILL). */
async function withDisplay(body: (display: string) => Promise<void>): Promise<void> {
  const xvfb: ChildProcess = spawn(
    'Xvfb',
    ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'],
    { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] },
  );
  try {
    const display = await new Promise<string>((resolve, reject) => {
      xvfb.once('error', reject);
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
      xvfb.stdio[3]?.once('data', (d: Buffer) => resolve(`:${String(d).trim()}`));
    });
    await body(display);
  } finally {
    // Xvfb may be gone already (it failed to start, or died): its 'exit' has fired then (or
    // never will, when it could not be spawned), and waiting for it would wait forever.
    if (xvfb.pid !== undefined && xvfb.exitCode === null && xvfb.signalCode === null) {
      const exited = new Promise((resolve) => xvfb.once('exit', resolve));
      xvfb.kill('SIGTERM');
      const timer = setTimeout(() => xvfb.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  }
}

describe('the microphone', () => {
  it('no microphone at all: "no-microphone"', TIMEOUT, async (t) => {
    await withBrowser({ fakeMicrophone: false }, async (browser) => {
      const took = await failsWith(browser, 'no-microphone', /No microphone was found/);
      t.diagnostic(`no-microphone ${took.toFixed(0)} ms after call()`);
    });
  });

  it('permission refused: "mic-denied", in the visitor\'s language', TIMEOUT, async () => {
    await withBrowser({ micPermission: 'denied' }, async (browser) => {
      await failsWith(browser, 'mic-denied', /Mikrofon tidak diizinkan/, { lang: 'id' });
    });
  });

  it('a device that fails to start (busy, broken): "mic-unavailable"', TIMEOUT, async () => {
    // Chromium's own switch for an audio capture that cannot be opened: NotReadableError.
    await withBrowser({ extraArgs: ['--fail-audio-stream-creation'] }, async (browser) => {
      await failsWith(browser, 'mic-unavailable', /in use by another app or is not working/);
    });
  });

  it(
    'a permission prompt nobody answers: "mic-denied" after permission-timeout, saying what to do',
    TIMEOUT,
    async (t) => {
      await withDisplay(async (display) => {
        // A Chromium with a window and no automatic answer shows the real prompt, and waits.
        await withBrowser({ micPermission: 'denied', display }, async (browser) => {
          const took = await failsWith(
            browser,
            'mic-denied',
            /Allow it for this site when your browser asks/,
            {
              attributes: { 'permission-timeout': '3' },
            },
          );
          t.diagnostic(`mic-denied ${took.toFixed(0)} ms after call(), permission-timeout=3`);
          assert.ok(took >= 3000 && took < 5000, `took ${took.toFixed(0)} ms`);
        });
      });
    },
  );
});
