// npm run screenshot: docs/demo.png, the demo page with one call connected (its in-call panel and
// keypad open) and one busy line.
// Builds when dist/ is missing, then runs itself (--inside) in the local stack
// (stack/with-stack.sh), where headless Chromium places a real call to extension 2000 and one
// to the busy extension 2001 before taking the picture.
import { existsSync, mkdirSync } from 'node:fs';
import { CHROMIUM_PATH, chromiumArgs } from './lib/chromium.mjs';
import { run } from './lib/run.mjs';

const OUTPUT = 'docs/demo.png';

if (!process.argv.includes('--inside')) {
  if (!existsSync('dist/voip-call-button.js')) await run('node', ['scripts/build.mjs']);
  await run('bash', [
    'stack/with-stack.sh',
    '--',
    process.execPath,
    'scripts/screenshot.mjs',
    '--inside',
  ]);
  console.log(`[screenshot] wrote ${OUTPUT}`);
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
    const page = await browser.newPage({ viewport: { width: 1000, height: 620 } });
    await page.goto(demo.url);
    const inState = (id, state) =>
      page.waitForSelector(`#${id}[state="${state}"]`, { state: 'attached', timeout: 15_000 });

    await page.getByRole('button', { name: 'Call reservations' }).click();
    await inState('sales', 'in-call');
    // The in-call panel: open its keypad so the picture shows every control.
    await page.locator('#sales').getByRole('button', { name: 'Keypad' }).click();
    await page.waitForTimeout(2500); // let the call timer run

    await page.getByRole('button', { name: 'Call support' }).click();
    await page
      .locator('#support [part="status"]', { hasText: 'busy' })
      .waitFor({ timeout: 15_000 });
    await inState('support', 'idle');

    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: OUTPUT, fullPage: true });

    await page.getByRole('button', { name: 'Hang up' }).click();
    await inState('sales', 'idle');
  } finally {
    await browser.close();
    await demo.close();
  }
}
