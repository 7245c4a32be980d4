// browser_check.js CHROMIUM REPORT.html SCREENSHOT.png - load the report in headless Chromium
// through the DevTools protocol and check it: no console errors or exceptions, no network
// request but the page itself, every chart (svg.chart) has drawn marks with a size. Saves a
// screenshot. Prints one "ok/not ok" line per check (TAP-ish); exit 0 when all passed, 1 when
// one failed, 77 when the browser cannot be driven here.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, report, shot] = process.argv.slice(2);
if (typeof WebSocket === 'undefined') {
  console.log('# SKIP no WebSocket in this node (needs --experimental-websocket or node >= 22)');
  process.exit(77);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-chromium-'));
const browser = spawn(chromium, ['--headless', '--disable-gpu', '--no-sandbox', '--no-first-run',
  '--disable-extensions', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--remote-debugging-port=0', '--user-data-dir=' + profile,
  '--window-size=1100,900', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
browser.stderr.on('data', (d) => { stderr += d; });
let failed = 0;
function check(name, ok, detail) {
  console.log((ok ? 'ok - ' : 'not ok - ') + name + (ok || !detail ? '' : ' # ' + detail));
  if (!ok) failed++;
}
function done(code) {
  try { browser.kill('SIGKILL'); } catch (e) { /* gone */ }
  // The browser's helper processes may still write into the profile as they die: retry, and
  // never let the cleanup decide the result.
  try {
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  } catch (e) {
    console.log('# could not remove ' + profile + ': ' + e.message);
  }
  process.exit(code);
}
setTimeout(() => { console.log('# timeout; browser said: ' + stderr.slice(-500)); done(1); }, 60000);

async function port() {
  const file = path.join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      if (lines[0]) return lines[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no DevTools port: ' + stderr.slice(-300));
}

(async () => {
  const p = await port();
  const targets = await (await fetch('http://127.0.0.1:' + p + '/json/list')).json();
  const page = targets.find((t) => t.type === 'page');
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  let id = 0;
  const pending = new Map();
  const errors = [];
  const requests = [];
  let loaded = null;
  const loadedP = new Promise((r) => { loaded = r; });
  const url = 'file://' + path.resolve(report);
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); return; }
    if (msg.method === 'Runtime.consoleAPICalled' && (msg.params.type === 'error' || msg.params.type === 'assert'))
      errors.push('console: ' + msg.params.args.map((a) => a.value || a.description).join(' '));
    if (msg.method === 'Runtime.exceptionThrown')
      errors.push('exception: ' + msg.params.exceptionDetails.text);
    if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error')
      errors.push('log: ' + msg.params.entry.text);
    if (msg.method === 'Network.requestWillBeSent' && msg.params.request.url !== url)
      requests.push(msg.params.request.url);
    if (msg.method === 'Page.loadEventFired') loaded();
  };
  const send = (method, params) => new Promise((r) => {
    const i = ++id;
    pending.set(i, r);
    ws.send(JSON.stringify({ id: i, method, params: params || {} }));
  });
  for (const d of ['Runtime', 'Log', 'Network', 'Page']) await send(d + '.enable');
  await send('Page.navigate', { url });
  await loadedP;
  await new Promise((r) => setTimeout(r, 500));
  const res = await send('Runtime.evaluate', {
    returnByValue: true,
    expression: `(() => {
      const charts = Array.from(document.querySelectorAll('svg.chart')).map((c) => {
        const marks = Array.from(c.querySelectorAll('.mark')).filter((m) => {
          const b = m.getBBox(); return b.width > 0 && b.height > 0; });
        const r = c.getBoundingClientRect();
        return { id: c.id, marks: marks.length, w: r.width, h: r.height };
      });
      return { charts, ready: document.body.getAttribute('data-ready'),
               drawn: document.body.getAttribute('data-charts-drawn'),
               errors: document.body.getAttribute('data-errors'),
               rows: document.querySelectorAll('#files tbody tr').length,
               external: Array.from(document.querySelectorAll('[src],[href]')).length };
    })()`,
  });
  const v = res.result.result.value;
  check('the page loaded and its script ran', v.ready === '1');
  check('no console errors or exceptions', errors.length === 0, errors.join(' | '));
  check('no network requests', requests.length === 0, requests.join(' '));
  check('no src or href attributes', v.external === 0, String(v.external));
  check('5 charts', v.charts.length === 5, JSON.stringify(v.charts));
  for (const c of v.charts)
    check('chart ' + c.id + ' has drawn elements (' + c.marks + ')', c.marks > 0 && c.w > 0 && c.h > 0);
  check('the page counts every chart drawn', v.drawn === String(v.charts.length), v.drawn);
  check('the top files table has rows', v.rows > 0, String(v.rows));
  const s = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
  fs.writeFileSync(shot, Buffer.from(s.result.data, 'base64'));
  check('screenshot written', fs.statSync(shot).size > 10000, String(fs.statSync(shot).size));
  ws.close();
  done(failed ? 1 : 0);
})().catch((e) => { console.log('not ok - driving the browser: ' + e.message); done(1); });
