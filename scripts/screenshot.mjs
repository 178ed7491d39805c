// npm run screenshot: docs/demo.png, the demo page with one call connected to the agent (its
// in-call panel with a text exchange) and one busy line; docs/video-call.png, the demo's video
// line in a video call on a phone-sized screen (390 px wide); docs/look-*.png, the element in a
// call with its keypad open in the light and the dark theme, right to left, and floating.
// Builds when dist/ is missing, then runs itself (--inside) in the local stack
// (stack/with-stack.sh), where headless Chromium places a real call to the agent extension 2009
// and one to the busy extension 2001 before taking the picture.
import { existsSync, mkdirSync } from 'node:fs';
import { CHROMIUM_PATH, chromiumArgs } from './lib/chromium.mjs';
import { run } from './lib/run.mjs';

const OUTPUT = 'docs/demo.png';
const VIDEO_OUTPUT = 'docs/video-call.png';
/** The element in a call with its keypad open: light, dark, right to left, floating. */
const LOOKS = [
  { file: 'docs/look-light.png', theme: 'light' },
  { file: 'docs/look-dark.png', theme: 'dark' },
  { file: 'docs/look-rtl.png', theme: 'light', lang: 'ar', dir: 'rtl' },
  { file: 'docs/look-floating.png', theme: 'light', variant: 'floating' },
];

if (!process.argv.includes('--inside')) {
  if (!existsSync('dist/voip-call-button.js')) await run('node', ['scripts/build.mjs']);
  await run('bash', [
    'stack/with-stack.sh',
    '--',
    process.execPath,
    'scripts/screenshot.mjs',
    '--inside',
  ]);
  console.log(
    `[screenshot] wrote ${[OUTPUT, VIDEO_OUTPUT, ...LOOKS.map((l) => l.file)].join(', ')}`,
  );
} else {
  const { chromium } = await import('playwright-core');
  const { startDemoServer } = await import('../demo/server.mjs');
  const demo = await startDemoServer({ port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(),
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    await page.goto(demo.url);
    const inState = (id, state) =>
      page.waitForSelector(`#${id}[state="${state}"]`, { state: 'attached', timeout: 15_000 });

    // A call to the agent (2009) with a text exchange: the visitor types, the agent answers
    // (driven through the agent's HTTP control, inside the stack's namespace).
    const agent = (path, body) =>
      fetch(`${process.env.VCB_AGENT_CTRL}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await agent('config', { messageReply: 200 });
    await page.getByRole('button', { name: 'Call an agent' }).click();
    await inState('agent', 'in-call');
    const input = page.locator('#agent [part="message-input"]');
    await input.fill('Hi! Can I move my booking to Friday?');
    await input.press('Enter');
    await page.locator('#agent [part="message-status"]').first().waitFor({ timeout: 5000 });
    await agent('message', { text: 'Yes, Friday works. One moment, I am changing it now.' });
    await page.locator('#agent [part~="message-in"]').waitFor({ timeout: 5000 });
    await page.waitForTimeout(2500); // let the call timer run

    await page.getByRole('button', { name: 'Call support' }).click();
    await page
      .locator('#support [part="status"]', { hasText: 'busy' })
      .waitFor({ timeout: 15_000 });
    await inState('support', 'idle');

    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: OUTPUT, fullPage: true });

    await page.locator('#agent').getByRole('button', { name: 'Hang up' }).click();
    await inState('agent', 'idle');

    // A video call to 2010 on a phone: the far end's picture large, the visitor's camera small.
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    await phone.goto(demo.url);
    await phone.getByRole('button', { name: 'Start a video call' }).click();
    await phone.waitForSelector('#video[state="in-call"]', { state: 'attached', timeout: 15_000 });
    await phone.waitForFunction(
      () =>
        (globalThis.document
          .querySelector('#video')
          ?.shadowRoot?.querySelector('voip-call-panel')
          ?.shadowRoot?.querySelector('voip-video-view')
          ?.shadowRoot?.querySelector('[part="remote-video"]')?.videoWidth ?? 0) > 0,
      undefined,
      { timeout: 10_000 },
    );
    await phone.waitForTimeout(2500); // frames from both cameras, the call timer running
    await phone.locator('section:has(#video)').screenshot({ path: VIDEO_OUTPUT });
    await phone.locator('#video').getByRole('button', { name: 'Hang up' }).click();
    await phone.waitForSelector('#video[state="idle"]', { state: 'attached', timeout: 15_000 });

    // The looks: on a page of its own theme, the element calls the answering extension (2000)
    // and opens its keypad; inline on a 420 px wide stage, floating in a phone-sized page.
    for (const look of LOOKS) {
      const floating = look.variant === 'floating';
      const view = await browser.newPage({
        viewport: floating ? { width: 390, height: 700 } : { width: 420, height: 440 },
        colorScheme: look.theme,
      });
      await view.goto(demo.url);
      await view.evaluate(
        ({ look, number }) => {
          const { document } = globalThis;
          const template = document.querySelector('#agent');
          const stage = document.createElement('main');
          Object.assign(stage.style, {
            colorScheme: look.theme,
            background: 'Canvas',
            color: 'CanvasText',
            minHeight: '100vh',
            padding: '24px',
            boxSizing: 'border-box',
            fontFamily: 'system-ui, sans-serif',
          });
          if (look.dir) stage.dir = look.dir;
          if (look.lang) stage.lang = look.lang;
          const el = document.createElement('voip-call-button');
          for (const name of ['server', 'sip-domain', 'token-url']) {
            el.setAttribute(name, template.getAttribute(name));
          }
          el.setAttribute('number', number);
          el.setAttribute('theme', look.theme);
          if (look.variant) el.setAttribute('variant', look.variant);
          el.id = 'look';
          stage.append(el);
          document.body.replaceChildren(stage);
        },
        { look, number: process.env.VCB_EXT_ANSWER ?? '2000' },
      );
      const element = view.locator('#look');
      if (floating) await element.locator('[part="launcher"]').click();
      await element.locator('[part="button"]').click();
      await view.waitForSelector('#look[state="in-call"]', { state: 'attached', timeout: 15_000 });
      await element.locator('[part~="keypad-toggle"]').click();
      await view.waitForTimeout(2000); // the call timer running
      await view.screenshot({ path: look.file });
      await element.locator('[part="button"]').click();
      await view.waitForSelector('#look[state="idle"]', { state: 'attached', timeout: 15_000 });
      await view.close();
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}
