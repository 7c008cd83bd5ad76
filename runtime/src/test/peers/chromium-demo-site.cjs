'use strict';
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) goes through the demo
// site a runtime serves, tab by tab, as a visitor would, and saves a screenshot of each tab:
//
//   Dumb Increment  the counter rises; "Reset counter" takes it back near 0; "Send junk" leaves the
//                   connection open and the counter running
//   Mirror          a stroke drawn with the mouse in one browser context appears, in its colour, on
//                   the canvas of a second context; a circle sent as lws's test client sends them
//                   (c #rrggbb x y r;) is drawn in both
//   Close Testing   Close shows 3000 "Bye!" closed by the page; Request server close shows 1001
//                   "Seeya" closed by the server
//   Server Info     the table lists this test's own connections (its dumb-increment, mirror and
//                   lws-status sockets, from 127.0.0.1), the viewers list shows this browser's
//                   User-Agent, the chart has samples
//   POST            both forms post to /formtest and the answer lists the fields and the upload
//                   (name, size, SHA-256)
//   dimming         while the runtime is stopped the page is greyed out (lws_gray_out); once it
//                   runs again the page reconnects by itself and the grey goes away
//
// It asks the test that runs it to stop and start the runtime by printing "@@ stop" or "@@ start"
// and reading one line back on its standard input. Every step prints "step NAME {json}"; the end
// is one line "RESULT {json}" (exit 0), or "FAIL ..." (exit 1) after a screenshot of the moment.
//
// The first step, "protocol", says which HTTP version the page and its subresources came over
// (nextHopProtocol: "h2" or "http/1.1") and what lws-status reports as wss_over_h2 to a
// WebSocket this page opens ("1" when it runs as an HTTP/2 stream, RFC 8441). An https base is
// taken with its self-signed certificate.
//
//   node chromium-demo-site.cjs http://127.0.0.1:PORT SHOT_DIR   (NODE_PATH must hold playwright-core)
const { chromium } = require('playwright-core');
const crypto = require('crypto');
const path = require('path');
const readline = require('readline');

const [base, shots] = process.argv.slice(2);
const group = 'it-' + crypto.randomBytes(4).toString('hex');
const result = { group, steps: {}, pageErrors: [] };

// ---- talking to the test --------------------------------------------------------------------------
const input = readline.createInterface({ input: process.stdin });
const answers = [];
let answered = null;
input.on('line', (l) => {
  if (answered) {
    const a = answered;
    answered = null;
    a(l);
  } else {
    answers.push(l);
  }
});

function ask(command, timeoutMs) {
  console.log('@@ ' + command);
  return new Promise((resolve, reject) => {
    if (answers.length) {
      resolve(answers.shift());
      return;
    }
    const t = setTimeout(() => reject(new Error('no answer to "' + command + '" within ' + timeoutMs + ' ms')), timeoutMs);
    answered = (l) => {
      clearTimeout(t);
      resolve(l);
    };
  });
}

function step(name, data) {
  result.steps[name] = data;
  console.log('step ' + name + ' ' + JSON.stringify(data));
}

// ---- the page -------------------------------------------------------------------------------------
async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png') });
}

async function tab(page, id) {
  await page.click('a.tabs__tab[href="#' + id + '"]');
  await page.waitForSelector('#' + id + ':not([hidden])', { timeout: 5000 });
}

/** Waits until no grey-out is shown and the page's three lasting sockets are open. */
async function connected(page, timeout) {
  await page.waitForFunction(() => {
    const g = document.getElementById('lws-gray-out');
    const open = (demo) => {
      const card = document.querySelector('[data-demo="' + demo + '"] .ws-demo');
      return card && card.getAttribute('data-ws') === 'open';
    };
    return (!g || g.hidden) && open('dumb-increment') && open('mirror') && open('server-info');
  }, null, { timeout, polling: 100 });
}

async function counter(page) {
  return Number(await page.textContent('[data-demo="dumb-increment"] [data-role="counter"]'));
}

/** Waits until the counter shows at least {@code n}. */
async function counterAtLeast(page, n) {
  await page.waitForFunction((v) => Number(document.querySelector('[data-demo="dumb-increment"] [data-role="counter"]').textContent) >= v,
    n, { timeout: 10000, polling: 20 });
}

/**
 * Clicks Reset with the counter at 10 or more and waits until it has shown a value below 10: a
 * watcher sees every value the page shows, so a busy machine cannot make the test miss the drop.
 */
async function resetCounter(page) {
  await counterAtLeast(page, 10);
  await page.evaluate(() => {
    const el = document.querySelector('[data-demo="dumb-increment"] [data-role="counter"]');
    window.lws4jTestDropped = false;
    const watch = new MutationObserver(() => {
      if (Number(el.textContent) < 10) {
        window.lws4jTestDropped = true;
        watch.disconnect();
      }
    });
    watch.observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.click('[data-demo="dumb-increment"] [data-action="reset"]');
  await page.waitForFunction(() => window.lws4jTestDropped, null, { timeout: 10000, polling: 20 });
}

/** True when the canvas has a pixel close to rgb around canvas point (x, y). */
function hasColourNear(page, x, y, rgb) {
  return page.evaluate(([x, y, rgb]) => {
    const c = document.querySelector('[data-demo="mirror"] canvas');
    const d = c.getContext('2d').getImageData(x - 3, y - 3, 7, 7).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 150 && Math.abs(d[i] - rgb[0]) < 60 && Math.abs(d[i + 1] - rgb[1]) < 60 && Math.abs(d[i + 2] - rgb[2]) < 60) {
        return true;
      }
    }
    return false;
  }, [x, y, rgb]);
}

async function waitColour(page, x, y, rgb, what) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (await hasColourNear(page, x, y, rgb)) {
      return true;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(what + ': no rgb(' + rgb + ') near canvas point ' + x + ',' + y + ' within 10 s');
}

/** The page point of canvas pixel (x, y). */
async function canvasPoint(page, x, y) {
  const box = await page.locator('[data-demo="mirror"] canvas').boundingBox();
  const size = await page.evaluate(() => {
    const c = document.querySelector('[data-demo="mirror"] canvas');
    return [c.width, c.height];
  });
  return { x: box.x + x * box.width / size[0], y: box.y + y * box.height / size[1] };
}

function watchErrors(page, name) {
  page.on('pageerror', (e) => result.pageErrors.push(name + ': ' + e.message));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  result.browser = browser.version();
  let a = null;
  try {
    const url = base + '/?mirror=' + group;
    const ctxA = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme: 'light', ignoreHTTPSErrors: true });
    a = await ctxA.newPage();
    watchErrors(a, 'A');
    await a.goto(url + '#dumb-increment', { waitUntil: 'load', timeout: 30000 });
    await connected(a, 15000);

    // ---- which HTTP the page came over, and whether its WebSockets run over HTTP/2 ----------------
    const wssOverH2 = await a.evaluate((u) => new Promise((resolve, reject) => {
      const s = new WebSocket(u, 'lws-status');
      const t = setTimeout(() => reject(new Error('no lws-status report within 10 s')), 10000);
      s.onmessage = (e) => {
        clearTimeout(t);
        s.close(1000);
        resolve(JSON.parse(e.data).wss_over_h2);
      };
      s.onerror = () => reject(new Error('the lws-status socket failed'));
    }), base.replace(/^http/, 'ws') + '/');
    step('protocol', await a.evaluate((w) => ({
      navigation: performance.getEntriesByType('navigation')[0].nextHopProtocol,
      resources: performance.getEntriesByType('resource').filter((e) => e.name.startsWith(location.origin))
        .map((e) => e.nextHopProtocol),
      wssOverH2: w,
    }), wssOverH2));

    // ---- Dumb Increment --------------------------------------------------------------------------
    const v1 = await counter(a);
    await counterAtLeast(a, v1 + 10);
    const v2 = await counter(a);
    await resetCounter(a);
    const afterReset = await counter(a);
    await a.click('[data-demo="dumb-increment"] [data-action="junk"]');
    // a reset sent after the junk on the same socket: once the counter drops again the server has
    // read the junk and kept the socket; then the counter must run on
    await resetCounter(a);
    await counterAtLeast(a, afterReset + 1);
    const afterJunk = await counter(a);
    const junkState = await a.getAttribute('[data-demo="dumb-increment"] .ws-demo', 'data-ws');
    const extensions = await a.evaluate(() => document.querySelector('[data-demo="dumb-increment"] .status__text').textContent);
    step('dumbIncrement', { v1, v2, afterReset, afterJunk, junkState, status: extensions,
      junk: await a.textContent('[data-demo="dumb-increment"] [data-role="junk-result"]') });
    await shot(a, '1-dumb-increment');

    // ---- Mirror ----------------------------------------------------------------------------------
    const ctxB = await browser.newContext({ viewport: { width: 900, height: 800 }, colorScheme: 'dark', ignoreHTTPSErrors: true });
    const b = await ctxB.newPage();
    watchErrors(b, 'B');
    await b.goto(url + '#mirror', { waitUntil: 'load', timeout: 30000 });
    await connected(b, 15000);
    await tab(a, 'mirror');
    await a.fill('#mirror-colour', '#ff0000');
    const from = await canvasPoint(a, 120, 80);
    const to = await canvasPoint(a, 420, 230);
    await a.mouse.move(from.x, from.y);
    await a.mouse.down();
    await a.mouse.move(to.x, to.y, { steps: 25 });
    await a.mouse.up();
    // the middle of the stroke, red, on the other context's canvas (and back on our own)
    await waitColour(b, 270, 155, [255, 0, 0], 'the stroke drawn in context A, in context B');
    await waitColour(a, 270, 155, [255, 0, 0], 'the stroke drawn in context A, mirrored back to A');
    // a circle as lws's test client sends one, from a plain WebSocket in context B
    await b.evaluate(([u]) => new Promise((resolve, reject) => {
      const s = new WebSocket(u, 'lws-mirror-protocol');
      s.onopen = () => { s.send('c #00c000 600 250 30;'); setTimeout(() => s.close(1000), 200); };
      s.onclose = () => resolve();
      s.onerror = () => reject(new Error('circle socket failed'));
    }), [base.replace(/^http/, 'ws') + '/?mirror=' + group]);
    await waitColour(a, 630, 250, [0, 192, 0], 'the circle (c #00c000 600 250 30;) in context A');
    await waitColour(b, 570, 250, [0, 192, 0], 'the circle in context B');
    const countsA = await a.textContent('[data-demo="mirror"] [data-role="mirror-counts"]');
    const countsB = await b.textContent('[data-demo="mirror"] [data-role="mirror-counts"]');
    step('mirror', { countsA, countsB,
      segmentsB: Number(await b.getAttribute('[data-demo="mirror"] canvas', 'data-segments')),
      circlesA: Number(await a.getAttribute('[data-demo="mirror"] canvas', 'data-circles')) });
    await shot(b, '2-mirror-second-context');
    await shot(a, '2-mirror');

    // ---- Close Testing ---------------------------------------------------------------------------
    await tab(a, 'close-testing');
    const ct = '[data-demo="close-test"] ';
    await a.click(ct + '[data-action="open"]');
    await a.waitForSelector(ct + '.ws-demo[data-ws="open"]', { timeout: 5000 });
    await a.click(ct + '[data-action="close"]');
    await a.waitForSelector(ct + '.ws-demo[data-closed-by="page"]', { timeout: 5000 });
    const byPage = {
      by: await a.textContent(ct + '[data-role="close-by"]'),
      code: await a.textContent(ct + '[data-role="close-code"]'),
      reason: await a.textContent(ct + '[data-role="close-reason"]'),
      status: await a.textContent(ct + '.status__text'),
    };
    await a.click(ct + '[data-action="open"]');
    await a.waitForSelector(ct + '.ws-demo[data-ws="open"]', { timeout: 5000 });
    await a.click(ct + '[data-action="closeme"]');
    await a.waitForSelector(ct + '.ws-demo[data-closed-by="server"]', { timeout: 5000 });
    const byServer = {
      by: await a.textContent(ct + '[data-role="close-by"]'),
      code: await a.textContent(ct + '[data-role="close-code"]'),
      reason: await a.textContent(ct + '[data-role="close-reason"]'),
      status: await a.textContent(ct + '.status__text'),
    };
    const closeLog = await a.$$eval(ct + '[data-role="log"] li', (lis) => lis.map((li) => li.textContent));
    const grayedByClose = await a.evaluate(() => document.documentElement.getAttribute('data-server'));
    step('closeTesting', { byPage, byServer, log: closeLog, grayedByClose });
    await shot(a, '3-close-testing');

    // ---- Server Info -----------------------------------------------------------------------------
    await tab(a, 'server-info');
    const si = '[data-demo="server-info"] ';
    await a.waitForFunction((si) => {
      const rows = Array.from(document.querySelectorAll(si + 'tbody tr'));
      const n = (p) => rows.filter((r) => r.getAttribute('data-protocol') === p).length;
      const chart = document.querySelector(si + 'canvas[data-role="chart"]');
      return n('dumb-increment-protocol') >= 2 && n('lws-mirror-protocol') >= 2 && n('lws-status') >= 2
        && document.querySelectorAll(si + '[data-role="viewers"] li').length >= 2
        && Number(chart.getAttribute('data-samples') || 0) >= 3
        && Number(document.querySelector(si + '.ws-demo').getAttribute('data-reports') || 0) >= 3;
    }, si, { timeout: 15000, polling: 200 });
    // one evaluation, so one snapshot: $$eval finds the elements and reads them in two steps, and
    // a report rendered between them detaches what was found (a dt with no dd after it)
    const { rows, viewers, facts } = await a.evaluate((si) => ({
      rows: Array.from(document.querySelectorAll(si + 'tbody tr')).map((tr) => Array.from(tr.cells).map((c) => c.textContent)),
      viewers: Array.from(document.querySelectorAll(si + '[data-role="viewers"] li')).map((li) => li.textContent),
      facts: Array.from(document.querySelectorAll(si + '[data-role="server-facts"] dt'))
        .map((dt) => dt.textContent + ': ' + dt.nextElementSibling.textContent),
    }), si);
    step('serverInfo', { rows, viewers, facts, userAgent: await a.evaluate(() => navigator.userAgent),
      reports: Number(await a.getAttribute(si + '.ws-demo', 'data-reports')) });
    await shot(a, '4-server-info');
    await ctxB.close();

    // ---- POST -------------------------------------------------------------------------------------
    await tab(a, 'post');
    await shot(a, '5-post');
    const p = await ctxA.newPage();
    watchErrors(p, 'POST');
    await p.goto(base + '/#post', { waitUntil: 'load' });
    await p.fill('#post-text', 'hello from chromium');
    await Promise.all([p.waitForNavigation({ timeout: 10000 }), p.click('button[name="send"]')]);
    const urlencoded = { url: p.url(), text: await p.textContent('body') };
    await shot(p, '5-post-urlencoded-answer');
    await p.goto(base + '/#post', { waitUntil: 'load' });
    const upload = crypto.randomBytes(5000);
    await p.fill('#upload-text', 'with a file');
    await p.setInputFiles('#upload-file', { name: 'it-upload.bin', mimeType: 'application/octet-stream', buffer: upload });
    await Promise.all([p.waitForNavigation({ timeout: 10000 }), p.click('button[name="upload"]')]);
    const multipart = { url: p.url(), text: await p.textContent('body'),
      sha256: crypto.createHash('sha256').update(upload).digest('hex'), size: upload.length };
    await shot(p, '5-post-multipart-answer');
    await p.close();
    step('post', { urlencoded, multipart });

    // ---- the other tabs ---------------------------------------------------------------------------
    await tab(a, 'big-picture');
    await a.waitForFunction(() => {
      const i = document.querySelector('[data-demo="big-picture"] img');
      return i && i.complete && i.naturalWidth > 0;
    }, null, { timeout: 10000 });
    const picture = await a.evaluate(() => ({
      href: document.querySelector('[data-demo="big-picture"] a').href,
      thumb: document.querySelector('[data-demo="big-picture"] img').naturalWidth,
    }));
    const big = await a.evaluate(async (u) => {
      const r = await fetch(u, { cache: 'no-store' });
      return { status: r.status, type: r.headers.get('content-type'), bytes: (await r.arrayBuffer()).byteLength };
    }, picture.href);
    step('bigPicture', { picture, big });
    await shot(a, '6-big-picture');
    await tab(a, 'dynamic');
    await shot(a, '7-dynamic');
    await tab(a, 'zip');
    await shot(a, '8-zip');

    // ---- the Jakarta chat: a message sent to the room comes back to the sender from the broadcast
    await tab(a, 'jakarta-chat');
    await a.waitForFunction(() => document.querySelector('[data-demo="jakarta-chat"] .ws-demo').getAttribute('data-ws') === 'open',
      null, { timeout: 10000, polling: 100 });
    await a.fill('#chat-name', 'chromium');
    await a.fill('#chat-text', 'hello from the demo page');
    await a.click('[data-demo="jakarta-chat"] [data-action="send"]');
    await a.waitForFunction(() => Array.from(document.querySelectorAll('[data-demo="jakarta-chat"] .log li'))
      .some((li) => li.textContent.includes('chromium: hello from the demo page')), null, { timeout: 10000, polling: 100 });
    const chatLog = await a.evaluate(() => Array.from(document.querySelectorAll('[data-demo="jakarta-chat"] .log li'))
      .map((li) => li.textContent));
    step('jakartaChat', { log: chatLog });
    await shot(a, '9-jakarta-chat');

    // ---- dimming while the server is away -------------------------------------------------------
    await tab(a, 'dumb-increment');
    const stopped = await ask('stop', 60000);
    const t0 = Date.now();
    await a.waitForFunction(() => {
      const g = document.getElementById('lws-gray-out');
      return g && !g.hidden && document.body.getAttribute('aria-busy') === 'true';
    }, null, { timeout: 10000, polling: 100 });
    const dimmedAfterMs = Date.now() - t0;
    const overlay = await a.evaluate(() => {
      const g = document.getElementById('lws-gray-out');
      return { text: g.textContent, opacity: getComputedStyle(g).getPropertyValue('--lws-gray-opacity').trim(),
        inert: document.querySelector('main').inert, server: document.documentElement.getAttribute('data-server') };
    });
    // a few failed reconnects while it is away: the card turns "connecting" at each attempt
    await a.evaluate(() => {
      window.lws4jTestAttempts = 0;
      const card = document.querySelector('[data-demo="dumb-increment"] .ws-demo');
      new MutationObserver(() => {
        if (card.getAttribute('data-ws') === 'connecting') {
          window.lws4jTestAttempts++;
        }
      }).observe(card, { attributes: true, attributeFilter: ['data-ws'] });
    });
    await a.waitForFunction(() => window.lws4jTestAttempts >= 2, null, { timeout: 30000, polling: 50 });
    const stillDimmed = await a.evaluate(() => !document.getElementById('lws-gray-out').hidden);
    await shot(a, '9-dimmed-server-stopped');
    const started = await ask('start', 90000);
    const t1 = Date.now();
    await connected(a, 30000);
    const clearedAfterMs = Date.now() - t1;
    const c1 = await counter(a);
    await a.waitForFunction((v) => Number(document.querySelector('[data-demo="dumb-increment"] [data-role="counter"]').textContent) > v + 5,
      c1, { timeout: 5000, polling: 50 });
    step('dimming', { stopped, dimmedAfterMs, overlay, stillDimmed, started, clearedAfterMs,
      mainInertAfter: await a.evaluate(() => document.querySelector('main').inert) });
    await shot(a, '10-back-after-restart');

    console.log('RESULT ' + JSON.stringify(result));
  } catch (e) {
    if (a) {
      await shot(a, 'failure').catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
    input.close();
  }
})().catch(async (e) => {
  console.log('FAIL ' + (e && e.stack || e));
  console.log('RESULT-SO-FAR ' + JSON.stringify(result));
  process.exit(1);
});
