'use strict';
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) opens the book that the
// runtime serves from inside a zip, waits for it to load, saves a screenshot and prints one JSON
// line: the page's status and title, every image (naturalWidth > 0 means it loaded and decoded) and
// every response (status, Content-Encoding), for ZipIT to check.
//
//   node chromium-zip-book.cjs http://127.0.0.1:PORT/book/ SCREENSHOT.png   (NODE_PATH must hold playwright-core)
const { chromium } = require('playwright-core');

(async () => {
  const [url, shot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const responses = [];
    page.on('response', (r) => responses.push({
      url: r.url(), status: r.status(), encoding: r.headers()['content-encoding'] || '',
    }));
    const res = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    const images = await page.evaluate(() => Array.from(document.images).map((i) => ({
      id: i.id, src: i.currentSrc, complete: i.complete, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight,
    })));
    const styled = await page.evaluate(() => getComputedStyle(document.body).maxWidth);
    await page.screenshot({ path: shot });
    console.log(JSON.stringify({
      browser: browser.version(), status: res ? res.status() : 0, title: await page.title(), styled, images, responses,
    }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.log('FAIL chromium: ' + (e && e.stack || e)); process.exit(1); });
