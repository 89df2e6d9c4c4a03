// Browser test of monitoring in the web UI: a reviewer marks the ICT CAS
// match as a false positive on the Screen page and finds the decision on
// the Monitor page; a roster watch added there alerts once a new list
// version (loaded with the CLI while the server runs) lists one of its
// names, and the Lists page shows that version's change set. Runs on its
// own `ties serve --demo` and database; screenshots go to e2e/artifacts/.
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

let tmp, bin, db, server, base, context, page;
let serverLog = '';
const pageErrors = [];

const REASON = 'Our supplier is ICT Ireland Ltd, not the Beijing institute';
// A made-up institute: in no list until the test loads a version naming it.
const WATCHED = 'Harbour City Robotics Institute';

function must(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8' });
  if (r.error) throw r.error;
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

async function api(p, init) {
  const res = await fetch(base + p, init);
  assert.ok(res.ok, `${p}: HTTP ${res.status} ${await res.clone().text()}`);
  return res.json();
}

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ties-e2e-monitor-'));
  bin = process.env.TIES_BIN;
  if (!bin) {
    bin = path.join(tmp, 'ties');
    must('go', ['build', '-o', bin, './cmd/ties'], 'building ties');
  }
  db = path.join(tmp, 'ties.db');
  must(bin, ['demo', '--db', db, '--no-serve'], 'loading the reference case');

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--demo', '--addr', `127.0.0.1:${port}`, '--db', db], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`ties serve exited with ${server.exitCode}:\n${serverLog}`);
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`ties serve did not answer within 60 s:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (scripts/browser-test does it)`);
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push('console: ' + m.text());
  });
  page.on('dialog', (d) => d.dismiss());
});

after(async () => {
  await context?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 10_000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  if (serverLog) fs.writeFileSync(path.join(artifacts, 'monitor-server.log'), serverLog);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('marking the ICT CAS match a false positive records a review the Monitor page lists', { timeout: 60_000 }, async () => {
  await page.goto(base + '/#/screen');
  await page.getByLabel('Name', { exact: true }).fill('ICT CAS');
  await page.getByRole('button', { name: 'Screen', exact: true }).click();
  const row = page.getByTestId('match-row').filter({ hasText: 'Institute of Computing Technology' }).first();
  await row.waitFor();
  const entityID = await row.getAttribute('data-entity-id');
  assert.ok(entityID, 'the match row carries its entity id');

  await row.getByRole('button', { name: 'False positive' }).click();
  await row.getByLabel('Reason').fill(REASON);
  await shot('review-reason');
  await row.getByRole('button', { name: 'Mark false positive' }).click();
  const done = row.getByTestId('review-done');
  await done.waitFor();
  assert.match(await done.innerText(), /false positive \(review #\d+\)/);
  assert.match(await row.innerText(), /audit record #\d+/, 'the decision is on the screening audit record too');

  // The store has it, pinned to the entry as it is now.
  const reviews = await api('/v1/reviews');
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0].entity_id, entityID);
  assert.equal(reviews[0].decision, 'false_positive');
  assert.equal(reviews[0].reason, REASON);
  assert.equal(reviews[0].query, 'ICT CAS');
  assert.match(reviews[0].entry_hash, /^[0-9a-f]{16,}$/);
  const audit = await api('/v1/audit');
  const records = Array.isArray(audit) ? audit : (audit.records ?? []);
  assert.ok(
    records.some((r) => r.action === 'decision' && r.decision === 'false_positive' && r.note === REASON),
    'an audit decision record with the reason',
  );

  await page.getByRole('link', { name: 'Monitor' }).click();
  const reviewRow = page.getByTestId('review-row').filter({ hasText: REASON });
  await reviewRow.waitFor();
  const text = await reviewRow.innerText();
  assert.match(text, /false positive/);
  assert.ok(text.includes(entityID), 'the reviewed entity');
  assert.match(text, /ICT CAS/);
  assert.match(await page.getByTestId('watches').innerText(), /ui-reviews/, 'the watch that keeps reviews of screenings');
  await shot('monitor-review');
  assert.deepEqual(pageErrors, []);
});

test('a roster watch added on the Monitor page alerts when a new list version names it', { timeout: 120_000 }, async () => {
  await page.goto(base + '/#/monitor');
  await page.getByTestId('watch-kind').selectOption('roster');
  await page.getByTestId('watch-what').fill(`${WATCHED}; Nobody In Particular`);
  await page.getByTestId('watch-add').click();
  const watchRow = page.getByTestId('watch-row').filter({ hasText: WATCHED });
  await watchRow.waitFor();
  assert.match(await watchRow.innerText(), /2 name\(s\)/);
  await page.getByTestId('no-alerts').waitFor();

  // A new version of a list naming the watched institute, loaded by the
  // CLI into the database the server uses (as `ties sync` would).
  const header =
    '"_id","source","entity_number","type","programs","name","title","addresses","federal_register_notice","start_date","end_date","standard_order","license_requirement","license_policy","call_sign","vessel_type","gross_tonnage","gross_registered_tonnage","vessel_flag","vessel_owner","remarks","source_list_url","alt_names","citizenships","dates_of_birth","nationalities","places_of_birth","source_information_url","ids"';
  const row = (id, name, notice, date, aliases) =>
    `"${id}","Entity List (EL) - Bureau of Industry and Security","","","","${name}","","1 Harbour Road, Harbour City, CN","${notice}","${date}","","","For all items subject to the EAR.","Presumption for denial.","","","","","","","","https://www.bis.doc.gov/","${aliases}","","","","","",""`;
  const hcri = 'e2e0000000000000000000000000000000000000000000000000000001';
  const csv = path.join(tmp, 'el-extra.csv');
  fs.writeFileSync(csv, [header, row(hcri, WATCHED, '99 FR 12345', '2026-01-15', 'HCRI'), ''].join('\n'));
  must(bin, ['load', '--db', db, '--dataset', 'e2e-el', csv], 'loading the new list version');

  await page.reload();
  const alertRow = page.getByTestId('alert-row').filter({ hasText: WATCHED });
  await alertRow.waitFor();
  const text = await alertRow.innerText();
  assert.match(text, /new match/);
  assert.match(text, /e2e-el v\d+: added/, 'the version and change that caused it');
  assert.match(text, /delivered|pending/);
  assert.equal(await page.getByTestId('alert-row').count(), 1, 'one alert: the other roster name matches nothing');
  await shot('monitor-alert');

  // A next version: the watched entry gains an alias, another is added.
  const csv2 = path.join(tmp, 'el-extra-2.csv');
  fs.writeFileSync(
    csv2,
    [header, row(hcri, WATCHED, '99 FR 12345', '2026-01-15', 'HCRI; Harbour Robotics Lab'), row('e2e0000000000000000000000000000000000000000000000000000002', 'Quayside Optics Works', '99 FR 23456', '2026-02-01', ''), ''].join('\n'),
  );
  must(bin, ['load', '--db', db, '--dataset', 'e2e-el', csv2], 'loading the second list version');

  // The Lists page shows the change sets: the second entry by entry.
  await page.getByRole('link', { name: 'Lists' }).click();
  const sets = page.getByTestId('change-sets');
  await sets.waitFor();
  const setsText = await sets.innerText();
  assert.match(setsText, /e2e-el version \d+ \(first version\): 1 added, 0 removed, 0 amended/);
  const second = page.getByTestId('change-set').filter({ hasText: /e2e-el version \d+ \(since version \d+\): 1 added, 0 removed, 1 amended/ });
  await second.locator('summary').click();
  const details = await second.innerText();
  assert.match(details, /added\s+EL\s+Quayside Optics Works/);
  assert.match(details, /amended\s+EL\s+Harbour City Robotics Institute\s+.*Harbour Robotics Lab/);
  await shot('lists-change-sets');

  // The watch alerts that its match's entry changed, naming the change.
  await page.getByRole('link', { name: 'Monitor' }).click();
  const changed = page.getByTestId('alert-row').filter({ hasText: 'match changed' });
  await changed.waitFor();
  assert.match(await changed.innerText(), /Harbour Robotics Lab/);
  assert.equal(await page.getByTestId('alert-row').count(), 2);
  assert.deepEqual(pageErrors, []);
});
