'use strict';
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) loads the echo page the
// runtime serves, which opens a WebSocket to lws-echo; checks that permessage-deflate was
// negotiated and that every message came back intact.
//
//   node chromium-deflate-echo.cjs http://127.0.0.1:PORT/deflate-echo.html   (NODE_PATH must hold playwright-core)
const { chromium } = require('playwright-core');

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let failed = 0;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log('page: ' + m.text()));
    page.on('pageerror', (e) => console.log('page error: ' + e.message));
    const res = await page.goto(process.argv[2]);
    if (!res || res.status() !== 200) throw new Error('GET ' + process.argv[2] + ': ' + (res && res.status()));
    const out = await page.evaluate(() => runEcho());
    console.log(`chromium ${browser.version()}: ws.extensions "${out.extensions}"`);
    if (!/(^|,\s*)permessage-deflate(;|,|$)/.test(out.extensions)) {
      failed++;
      console.log('FAIL chromium: permessage-deflate was not negotiated: "' + out.extensions + '"');
    }
    for (const r of out.results) {
      if (!r.ok) { failed++; console.log(`FAIL chromium ${r.what}: ${r.detail}`); }
    }
    console.log(`chromium: ${out.results.length} messages echoed, ${failed} failed`);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log('FAIL chromium: ' + (e && e.stack || e)); process.exit(1); });
