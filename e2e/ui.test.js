// Browser test of the web UI: starts `ties serve --demo` on a loopback
// port with the reference case (Microsoft / CAS) loaded, drives Debian's
// chromium with playwright-core, and saves a screenshot of every page in
// e2e/artifacts/. Run with `node --test e2e/` (scripts/browser-test does
// the installs first). TIES_BIN names a prebuilt binary; otherwise the
// test builds one. CHROMIUM overrides /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const artifacts = path.join(here, 'artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let tmp;
let tiesBin;
let server;
let serverLog = '';
let base;
let context;
let page;
const pageErrors = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', ...opts });
  if (r.error) throw r.error;
  return r;
}

function must(cmd, args, what) {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, proc, ms) {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`ties serve exited with ${proc.exitCode} before answering /healthz:\n${serverLog}`);
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok) return await res.json();
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ties serve did not answer ${url}/healthz within ${ms} ms (${last}):\n${serverLog}`);
}

async function startServer(bin, db, flags) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', ...flags, '--addr', `127.0.0.1:${port}`, '--db', db], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => (serverLog += d));
  proc.stderr.on('data', (d) => (serverLog += d));
  await waitHealthy(url, proc, 60_000);
  return { proc, base: url };
}

async function stopServer(proc) {
  if (!proc || proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise((r) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      r();
    }, 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      r();
    });
  });
}

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ties-e2e-'));
  let bin = process.env.TIES_BIN;
  if (!bin) {
    bin = path.join(tmp, 'ties');
    must('go', ['build', '-o', bin, './cmd/ties'], 'building ties');
  }
  const db = path.join(tmp, 'ties.db');

  // The reference case: `ties demo` loads it; an older binary without the
  // command gets it from the example file and a link proposal.
  const demo = run(bin, ['demo', '--db', db, '--no-serve']);
  if (demo.status !== 0) {
    if (!/unknown command/.test(demo.stderr)) throw new Error(`ties demo failed:\n${demo.stdout}\n${demo.stderr}`);
    must(bin, ['load', '--db', db, 'examples/microsoft-cas.ties'], 'loading the reference case');
    must(bin, ['link', 'propose', '--db', db], 'proposing links');
  }

  const help = run(bin, ['serve', '--help']);
  if (help.status !== 0 || !/--demo/.test(help.stdout + help.stderr)) {
    throw new Error(`this ties binary has no \`serve --demo\` command; the browser test needs it:\n${help.stdout}${help.stderr}`);
  }
  ({ proc: server, base } = await startServer(bin, db, ['--demo']));
  tiesBin = bin;

  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (scripts/browser-test does it)`);
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push('console: ' + m.text());
  });
  // The page must not reach for any host but the servers of this test on
  // loopback (no CDN): refuse and record.
  await context.route((url) => !/^http:\/\/127\.0\.0\.1:\d+\//.test(url.href) && !url.href.startsWith('data:') && !url.href.startsWith('blob:'), (route) => {
    pageErrors.push('request to another host: ' + route.request().url());
    return route.abort();
  });
});

after(async () => {
  await context?.close().catch(() => {});
  await stopServer(server);
  if (serverLog) fs.writeFileSync(path.join(artifacts, 'server.log'), serverLog);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the page is served with its Content-Security-Policy and frame protection, and runs under them', { timeout: 30_000 }, async () => {
  const res = await page.goto(base + '/#/screen');
  const h = await res.allHeaders();
  assert.match(h['content-security-policy'] ?? '', /frame-ancestors 'none'/, 'CSP with frame-ancestors');
  assert.match(h['content-security-policy'] ?? '', /script-src 'self'/, 'scripts only from the server');
  assert.doesNotMatch(h['content-security-policy'] ?? '', /unsafe-inline|unsafe-eval/, 'no unsafe sources');
  assert.equal(h['referrer-policy'], 'no-referrer');
  assert.equal(h['x-content-type-options'], 'nosniff');
  // Any CSP violation shows as a console error, which every test below
  // also collects in pageErrors.
  await page.getByLabel('Name', { exact: true }).waitFor();
  assert.deepEqual(pageErrors.filter((e) => /Content Security Policy/i.test(e)), []);
});

test('screening "ICT CAS" shows the Institute of Computing Technology with its listing', { timeout: 60_000 }, async () => {
  await page.goto(base + '/#/screen');
  await page.getByLabel('Name', { exact: true }).fill('ICT CAS');
  await page.getByRole('button', { name: 'Screen', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'Institute of Computing Technology' }).first();
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /2022-12-16/, 'the listing date');
  assert.match(text, /87 FR 77505/, 'the Federal Register citation');
  assert.match(text, /\bEL\b/, 'the list');
  assert.match(text, /matched/, 'the explanation');
  assert.match(text, /v\d+/, 'the list version');
  // The server's record of this screening: list versions and audit entry.
  assert.match(await page.getByTestId('screen-provenance').innerText(), /list version\(s\) \d+.*audit record #\d+/);
  await page.getByTestId('demo-mode').waitFor();
  await shot('screen');
  assert.deepEqual(pageErrors, []);
});

test('the name box takes a country, birth date and identifier as evidence, and a bad date gets a clear error', { timeout: 60_000 }, async () => {
  await page.goto(base + '/#/screen');
  await page.getByLabel('Name', { exact: true }).fill('ICT CAS');
  await page.getByLabel('Country', { exact: true }).fill('China');
  await page.getByRole('button', { name: 'Screen', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'Institute of Computing Technology' }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /country CN as listed/, 'the country is weighed and shown');
  await page.getByLabel('Country', { exact: true }).fill('');
  await page.getByLabel('Born', { exact: true }).fill('1999-13');
  await page.getByRole('button', { name: 'Screen', exact: true }).click();
  await page.getByText(/dob "1999-13"/).waitFor();
  await page.getByLabel('Born', { exact: true }).fill('');
  pageErrors.length = 0; // the 400 above is logged by the browser as a failed request
});

test("Microsoft's exposure shows the path to ICT in the graph and table, with the after-designation mark", { timeout: 90_000 }, async () => {
  await page.goto(base + '/#/screen');
  await page.getByRole('link', { name: 'Exposure' }).click();
  // Typing a name suggests graph ids through /v1/resolve.
  await page.getByLabel('Organization').fill('Microsoft Corporation');
  await page.locator('#exp-org-options option[value="msft"]').waitFor({ state: 'attached' });
  await page.getByLabel('Organization').fill('msft');
  await page.getByRole('button', { name: 'Trace' }).click();
  await page.getByTestId('findings-table').waitFor();
  await page.waitForFunction(() => window.__cy && window.__cy.nodes().length > 0);

  const graph = await page.evaluate(() => {
    const cy = window.__cy;
    return {
      nodes: cy.nodes().map((n) => ({ id: n.id(), name: n.data('name'), label: n.data('label'), classes: n.classes(), visible: n.visible() })),
      edges: cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id(), tie: e.data('tie'), label: e.data('label'), classes: e.classes() })),
      extent: cy.extent(),
    };
  });
  const byName = (name) => graph.nodes.find((n) => n.name === name);
  const chain = ['Microsoft Corporation', 'Microsoft Research Asia', 'Liu Guodong', 'Institute of Computing Technology, Chinese Academy of Sciences'];
  const ids = chain.map((name) => {
    const n = byName(name);
    assert.ok(n, `graph node "${name}" (nodes: ${graph.nodes.map((x) => x.name).join('; ')})`);
    assert.ok(n.visible, `${name} is visible`);
    return n.id;
  });
  // Consecutive path nodes are joined by an edge (either direction: a
  // reversed step is drawn the way the tie points).
  for (let i = 1; i < ids.length; i++) {
    const e = graph.edges.find((x) => (x.source === ids[i - 1] && x.target === ids[i]) || (x.source === ids[i] && x.target === ids[i - 1]));
    assert.ok(e, `an edge between ${chain[i - 1]} and ${chain[i]}`);
    assert.ok(e.label.startsWith(e.tie), `edge ${e.source}-${e.target} labelled with its tie kind: ${e.label}`);
  }
  const ict = byName(chain[3]);
  assert.ok(ict.classes.includes('designated'), 'ICT is marked designated');
  assert.match(ict.label, /listed 2022-12-16/);
  assert.ok(byName(chain[0]).classes.includes('org'), 'Microsoft is the organization traced');
  const hosted = graph.edges.find((x) => (x.source === ids[1] && x.target === ids[2]) || (x.source === ids[2] && x.target === ids[1]));
  assert.ok(hosted.classes.includes('after-designation'), `the MSRA–Liu Guodong tie (${hosted.label}) is marked after designation`);
  assert.match(hosted.label, /after designation/);
  assert.match(hosted.label, /\d{4}/, 'the edge carries its date');

  // The table: the ICT finding with its listing, the badge and the path.
  const row = page.getByTestId('findings-table').getByRole('row').filter({ hasText: 'Institute of Computing Technology' }).first();
  const rowText = await row.innerText();
  assert.match(rowText, /2022-12-16/);
  assert.match(rowText, /87 FR 77505/);
  const badge = row.getByTestId('after-designation-badge');
  assert.ok(await badge.isVisible(), 'the after-designation badge is shown');
  assert.equal((await badge.innerText()).trim().toLowerCase(), 'after designation');
  const paths = await row.locator('.path').allInnerTexts();
  const wanted = new RegExp(chain.map((n) => n.replace(/[().,]/g, '\\$&')).join('.*'));
  assert.ok(paths.some((p) => wanted.test(p)), `a path Microsoft → MSRA → Liu Guodong → ICT in the table:\n${paths.join('\n')}`);

  // The timeline draws the after-designation part and the listing date.
  const tl = page.getByTestId('timeline');
  assert.ok((await tl.locator('g.after-designation').count()) > 0, 'timeline marks a tie after designation');
  assert.match(await tl.innerHTML(), /listed 2022-12-16/);

  await shot('exposure');
  await page.getByTestId('exposure-graph').screenshot({ path: path.join(artifacts, 'exposure-graph.png') });
  await tl.screenshot({ path: path.join(artifacts, 'exposure-timeline.png') });

  // Exports are made in the browser.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
  const csvText = fs.readFileSync(await csv.path(), 'utf8');
  assert.match(csvText.split('\n')[0], /after_designation/);
  assert.match(csvText, /Liu Guodong/);
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'HTML' }).click()]);
  const htmlText = fs.readFileSync(await html.path(), 'utf8');
  assert.match(htmlText, /<img alt="Graph of the paths" src="data:image\/png;base64,/);
  assert.doesNotMatch(htmlText, /<script/);
  fs.writeFileSync(path.join(artifacts, 'exposure-export.html'), htmlText);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON' }).click()]);
  const rep = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(rep.org, 'msft');

  // A proposed rule's findings come in their own table, never as law.
  await page.getByLabel('Scenario').selectOption({ label: 'HR1516 (proposed)' });
  await page.getByRole('button', { name: 'Trace' }).click();
  const scen = page.getByTestId('scenario-table');
  await scen.waitFor();
  assert.match(await scen.innerText(), /proposed/);
  assert.match(page.url(), /scenario=hr1516/);
  await page.waitForFunction(() => window.__cy && window.__cy.nodes('.scenario-designated, .designated').length > 0);
  await shot('exposure-scenario');
  assert.deepEqual(pageErrors, []);
});

test('the entity page shows names in every script, designations and ties with evidence', { timeout: 60_000 }, async () => {
  await page.getByTestId('findings-table').getByRole('link', { name: 'Institute of Computing Technology, Chinese Academy of Sciences' }).first().click();
  await page.getByTestId('entity-names').waitFor();
  const names = await page.getByTestId('entity-names').innerText();
  assert.match(names, /中国科学院计算技术研究所/);
  assert.match(names, /Han/);
  assert.match(names, /Latin/);
  assert.match(await page.getByTestId('entity-designations').innerText(), /87 FR 77505/);
  await page.getByTestId('entity-ties').waitFor();
  assert.ok((await page.getByTestId('evidence').count()) > 0, 'ties carry evidence');
  await shot('entity');
  assert.deepEqual(pageErrors, []);
});

test('the lists page shows the versions in force', { timeout: 30_000 }, async () => {
  await page.getByRole('link', { name: 'Lists' }).click();
  const table = page.getByTestId('list-versions');
  await table.waitFor();
  assert.match(await table.innerText(), /in force/);
  await shot('lists');
  assert.deepEqual(pageErrors, []);
});

test('a batch upload screens every name and shows progress', { timeout: 120_000 }, async () => {
  // More names than the server answers in one JSON document, so the
  // answer streams as NDJSON.
  const names = ['ICT CAS', 'Institute of Computing Technology', 'Microsoft Research Asia'];
  for (let i = 0; i < 147; i++) names.push(`Acme Trading ${i} Ltd`);
  const file = path.join(tmp, 'batch.csv');
  fs.writeFileSync(file, 'id,name,country\n' + names.map((n, i) => `${i + 1},"${n}",XX`).join('\n') + '\n');

  await page.getByRole('link', { name: 'Screen' }).click();
  await page.getByLabel('File').setInputFiles(file);
  await page.getByRole('button', { name: 'Screen file' }).click();
  const status = page.getByTestId('batch-status');
  await page.waitForSelector('[data-testid=batch-status][data-done=true]', { timeout: 90_000 });
  assert.match(await status.innerText(), new RegExp(`^${names.length} / ${names.length} screened`));
  const progress = page.getByRole('progressbar', { name: 'Batch progress' });
  assert.equal(await progress.evaluate((p) => [p.value, p.max].join('/')), `${names.length}/${names.length}`);
  const rows = page.getByTestId('batch-row');
  assert.equal(await rows.count(), names.length);
  const first = await rows.first().innerText();
  assert.match(first, /ICT CAS/);
  assert.match(first, /Institute of Computing Technology/);
  assert.match(first, /2022-12-16/);
  await page.screenshot({ path: path.join(artifacts, 'batch.png') });
  assert.deepEqual(pageErrors, []);
});

test('without --demo the UI asks for a token, signs in with it and keeps it for the session', { timeout: 90_000 }, async () => {
  const db = path.join(tmp, 'auth.db');
  must(tiesBin, ['load', '--db', db, 'examples/microsoft-cas.ties'], 'loading the reference case');
  const created = must(tiesBin, ['token', 'create', '--role', 'viewer', '--name', 'browser test', '--db', db], 'creating a token');
  const token = (created.stdout + created.stderr).split(/\s+/).find((w) => /^ties_/.test(w));
  assert.ok(token, `a token in the output of ties token create:\n${created.stdout}${created.stderr}`);
  const { proc, base: authBase } = await startServer(tiesBin, db, []);
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  try {
    await p.goto(authBase + '/#/screen');
    await p.getByLabel('Name', { exact: true }).fill('ICT CAS');
    await p.getByRole('button', { name: 'Screen', exact: true }).click();
    await p.getByRole('alert').filter({ hasText: '401' }).waitFor();
    const tokenBox = p.getByLabel('The server wants a token:');
    await tokenBox.waitFor();

    await tokenBox.fill('ties_not-a-real-token');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByLabel('Name', { exact: true }).fill('ICT CAS');
    await p.getByRole('button', { name: 'Screen', exact: true }).click();
    await p.getByRole('alert').filter({ hasText: '401' }).waitFor();

    await p.getByLabel('The server wants a token:').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByTestId('signed-in').waitFor();
    await p.getByLabel('Name', { exact: true }).fill('ICT CAS');
    await p.getByRole('button', { name: 'Screen', exact: true }).click();
    await p.getByRole('row').filter({ hasText: '87 FR 77505' }).first().waitFor();
    assert.equal(await p.evaluate(() => sessionStorage.getItem('ties.token')), token);
    await p.screenshot({ path: path.join(artifacts, 'signed-in.png') });

    await p.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await p.evaluate(() => sessionStorage.getItem('ties.token')), null);
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    await stopServer(proc);
  }
});
