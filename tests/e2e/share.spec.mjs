// Journey "present to an employer" (issue 11) and J6, in the real window: two credentials are imported, selected on
// the Share page, previewed, and signed with the verifier's challenge and domain; the QR code is shown (the
// compressed VPQR form: as JSON these two do not fit, which the page says plainly); the presentation is saved
// through the typed path and the real `carnet verify` says valid for it and both credentials; the QR code (PNG) and
// the printable page are saved too; the history lists each save; and the saved presentation, opened as someone
// given it, shows each credential's result. Then the same journey in French. Screenshots of each step in both
// languages go to tests/artifacts/e2e/.
//
// Nothing reaches the internet: both credentials are did:key credentials of the peer corpus with no status list,
// no did:web issuer and no picture to fetch (asserted below), so neither the app nor `carnet verify` fetches
// anything.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { debugBinary, goTo, launchApp } from './lib/app.mjs';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/peer-corpus');
const FILES = ['ob3-vc2-di-achievementcredential.json', 'ob3-vc2-di-eddsa-rdfc-2022.json'];
const NAMES = [
  'Credential Portability Practicum (AchievementCredential)',
  'Interoperability Fundamentals (OpenBadgeCredential)',
];
const CHALLENGE = 'e2e-challenge-7f3a';
const DOMAIN = 'rh.example.ca';
const LONG = 60_000; // re-checking, signing and drawing both QR codes in a debug build

/** The real CLI's verdict on a file, as `carnet verify` prints it (one line per presentation and credential). */
function carnetVerify(file, challenge = CHALLENGE, domain = DOMAIN) {
  const run = spawnSync(debugBinary('carnet'), ['verify', '--challenge', challenge, '--domain', domain, file], {
    encoding: 'utf8',
    timeout: LONG,
  });
  return { status: run.status, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
}

/** Whether an element is on the page now (no implicit wait: for asserting that something is absent). */
async function shown(browser, selector) {
  return await browser.execute((sel) => document.querySelector(sel) !== null, selector);
}

/** Scrolls an element to the middle of the window and waits until that is painted (for a screenshot of it). */
async function scrollTo(browser, selector) {
  await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), selector);
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
}

async function texts(browser, selector) {
  const out = [];
  for (const el of await browser.$$(selector)) out.push(await el.getText());
  return out;
}

async function waitForCount(browser, selector, n, what) {
  await browser.waitUntil(async () => (await browser.$$(selector)).length === n, { timeout: LONG, timeoutMsg: what });
}

/** Selects both credentials, types the verifier's challenge and domain, previews, and creates. */
async function previewAndCreate(app, lang) {
  const { browser } = app;
  await waitForCount(browser, '[data-testid="share-credential"]', 2, 'both credentials listed on the Share page');
  for (const box of await browser.$$('[data-testid="share-credential"]')) {
    if (!(await box.isSelected())) await box.click();
  }
  await browser.waitUntil(async () => /2/.test(await browser.$('[data-testid="share-selected-count"]').getText()), {
    timeoutMsg: 'two selected',
  });
  await browser.$('[data-testid="share-challenge"]').setValue(CHALLENGE);
  await browser.$('[data-testid="share-domain"]').setValue(DOMAIN);
  await app.screenshot(`${lang}-share-select.png`);
  await browser.$('[data-testid="share-preview"]').click();
  await waitForCount(browser, '[data-testid="preview-item"]', 2, 'the preview shows both credentials');
  assert.deepEqual((await texts(browser, '[data-testid="preview-name"]')).sort(), [...NAMES].sort());
  // Re-checked today, offline-capable: both fully verified, so no confirmation is asked.
  const verified = lang === 'fr' ? 'Vérifié' : 'Verified';
  assert.deepEqual(await texts(browser, '[data-testid="preview-verdict"]'), [verified, verified]);
  assert.equal(await shown(browser, '[data-testid="share-confirm"]'), false);
  assert.match(await browser.$('[data-testid="preview-holder"]').getText(), /^did:key:z6Mk/);
  await app.screenshot(`${lang}-share-preview.png`);

  await browser.$('[data-testid="share-create"]').click();
  const heading = browser.$('#share-result-title');
  await heading.waitForExist({ timeout: LONG });
  // Focus moves to the result.
  await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.id)) === 'share-result-title', {
    timeoutMsg: 'focus on the result heading',
  });
}

/** The QR code on screen: these two fit as VPQR, not as JSON (which is said plainly, with the size). */
async function checkQr(app, lang) {
  const { browser } = app;
  const qr = browser.$('[data-testid="share-qr"]');
  await qr.waitForExist({ timeout: LONG });
  assert.equal(await qr.getAttribute('data-form'), 'vpqr');
  const drawn = await browser.execute(() => {
    const img = document.querySelector('[data-testid="share-qr-image"]');
    return img && img.complete ? { w: img.naturalWidth, shown: img.getBoundingClientRect().width } : null;
  });
  assert.ok(drawn && drawn.w > 0, 'the QR image decoded');
  assert.ok(drawn.shown >= 400, `the QR code is shown large (${drawn?.shown}px)`);
  await scrollTo(browser, '[data-testid="share-qr"]');
  await app.screenshot(`${lang}-share-qr.png`);
  await browser.$('[data-testid="qr-form-json"]').click();
  const tooLarge = browser.$('[data-testid="share-qr-too-large"]');
  await tooLarge.waitForExist();
  await scrollTo(browser, '[data-testid="share-qr-too-large"]');
  assert.match(
    await tooLarge.getText(),
    lang === 'fr'
      ? /2 attestations : [\d\s ]+ octets, un code QR en contient au plus 2\s953\./
      : /2 credentials: [\d,]+ bytes, a QR code holds at most 2,953\./,
  );
  await app.screenshot(`${lang}-share-qr-too-large.png`);
  await browser.$('[data-testid="qr-form-vpqr"]').click();
  await browser.$('[data-testid="share-qr"]').waitForExist();
}

/** Types a path and presses one of the typed-path save buttons; waits for "Saved: PATH". */
async function saveTyped(browser, path, button) {
  await browser.$('[data-testid="share-save-path"]').setValue(path);
  await browser.$(`[data-testid="${button}"]`).click();
  await browser.waitUntil(
    async () => {
      const saved = await browser.execute(() => document.querySelector('[data-testid="share-saved"]')?.dataset.path);
      return saved === path;
    },
    { timeout: LONG, timeoutMsg: `saved ${path}` },
  );
  assert.ok(existsSync(path), `${path} was written`);
}

function assertVerifies(file) {
  const { status, lines, stderr } = carnetVerify(file);
  assert.equal(status, 0, `carnet verify: ${lines.join('\n')}\n${stderr}`);
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0], /#0: valid — presentation$/);
  for (const name of NAMES) {
    assert.ok(
      lines.slice(1).some((l) => /#[12]: valid — /.test(l) && l.includes(name)),
      `${name} valid in:\n${lines.join('\n')}`,
    );
  }
  // The app signed with the verifier's challenge: another one is refused.
  const other = carnetVerify(file, 'another-challenge');
  assert.equal(other.status, 1);
  assert.match(other.lines[0], /#0: invalid — presentation — proof: the challenge is not "another-challenge"/);
}

/** Opens a saved presentation as someone given it (J6): the presentation and each credential, verified. */
async function checkOpened(app, file, lang) {
  const { browser } = app;
  await browser.$('[data-testid="open-path"]').setValue(file);
  await browser.$('[data-testid="open-challenge"]').setValue(CHALLENGE);
  await browser.$('[data-testid="open-domain"]').setValue(DOMAIN);
  await browser.$('[data-testid="open-check"]').click();
  await waitForCount(browser, '[data-testid="open-report"]', 3, 'the presentation and its two credentials');
  const kinds = [];
  for (const r of await browser.$$('[data-testid="open-report"]')) kinds.push(await r.getAttribute('data-kind'));
  assert.deepEqual(kinds, ['presentation', 'credential', 'credential']);
  const verified = lang === 'fr' ? 'Vérifié' : 'Verified';
  assert.deepEqual(await texts(browser, '[data-testid="open-verdict"]'), [verified, verified, verified]);
  const holder = await browser.$('[data-testid="open-report"] li[data-check="holder"]').getText();
  assert.match(holder, lang === 'fr' ? /Présentée par son titulaire\s+Réussi/ : /Presented by its holder\s+Passed/);
  await scrollTo(browser, '#open-results-title');
  await app.screenshot(`${lang}-share-open.png`);
}

describe('present two credentials to an employer, in the real window', () => {
  let app;
  let folder;
  let out;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'carnet-e2e-share-in-'));
    out = mkdtempSync(join(tmpdir(), 'carnet-e2e-share-out-'));
    for (const f of FILES) {
      const text = readFileSync(join(corpus, f), 'utf8');
      // Nothing they name is fetched: no status list, no did:web key, no endorsement, no picture.
      for (const remote of ['credentialStatus', 'did:web', 'endorsement', 'image']) {
        assert.ok(!text.includes(remote), `${f} names ${remote}: the journey would go on line`);
      }
      copyFileSync(join(corpus, f), join(folder, f));
    }
    app = await launchApp('share', { LANG: 'en_CA.UTF-8', LC_ALL: '' });
  });
  after(async () => {
    await app?.close();
  });

  it('imports the two credentials', async () => {
    const { browser } = app;
    await goTo(browser, 'import', 'Import');
    await browser.$('[data-testid="import-path"]').setValue(folder);
    await browser.$('[data-testid="import-path-go"]').click();
    const summary = browser.$('[data-testid="import-summary"]');
    await summary.waitForExist({ timeout: LONG });
    assert.equal(await summary.getText(), '2 added, 0 already in your wallet, 0 not added.');
  });

  it('selects both, previews them, creates the presentation and shows its QR code', async () => {
    await goTo(app.browser, 'share', 'Share');
    assert.equal(await app.browser.$('[data-testid="share-history-empty"]').getText(), 'Nothing shared yet.');
    await previewAndCreate(app, 'en');
    assert.match(await app.browser.$('[data-testid="share-result-summary"]').getText(), /^2 credentials, VC 2\.0/);
    await checkQr(app, 'en');
  });

  it('saves the presentation through the typed path, and carnet verify says it and both credentials are valid', async () => {
    const file = join(out, 'presentation.json');
    await saveTyped(app.browser, file, 'share-save-path-file');
    assertVerifies(file);
    // Never over an existing file: the same path again is refused in plain words.
    await app.browser.$('[data-testid="share-save-path-file"]').click();
    const alert = app.browser.$('[data-testid="share-result"] [data-testid="error"]');
    await alert.waitForExist();
    assert.equal(await alert.getAttribute('data-kind'), 'file.exists');
    assert.match(await alert.getText(), /never writes over a file/);
  });

  it('saves the QR code as PNG and the printable page; the history lists each save', async () => {
    const { browser } = app;
    const png = join(out, 'presentation-qr.png');
    await saveTyped(browser, png, 'share-save-path-qr');
    assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await browser.$('[data-testid="share-learner"]').setValue('Camille Tremblay');
    const page = join(out, 'portfolio.html');
    await saveTyped(browser, page, 'share-save-path-page');
    const html = readFileSync(page, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.match(html, /<html lang="en"/);
    assert.ok(html.includes('Camille Tremblay'));
    // The three saves of this presentation, on its row of the history.
    await browser.waitUntil(
      async () => (await texts(browser, '[data-testid="share-history-forms"]')).join('|') === 'File, QR code (VPQR), Printable page',
      { timeoutMsg: 'the history lists the file, the QR code and the page' },
    );
    assert.match(await browser.$('[data-testid="share-history"]').getText(), new RegExp(DOMAIN.replace(/\./g, '\\.')));
    await scrollTo(browser, '[data-testid="share-saved"]');
    await app.screenshot('en-share-saved.png');
    await scrollTo(browser, '[data-testid="share-history"]');
    await app.screenshot('en-share-history.png');
  });

  it('opens the saved presentation as someone given it: each credential’s result (J6)', async () => {
    await checkOpened(app, join(out, 'presentation.json'), 'en');
  });

  it('goes through the same journey in French', async () => {
    const { browser } = app;
    await browser.$('button[data-lang="fr"]').click();
    await browser.waitUntil(async () => (await browser.$('html').getAttribute('lang')) === 'fr', {
      timeoutMsg: 'the page language did not become fr',
    });
    // A fresh Share page in French.
    await goTo(browser, 'portfolio', 'Portfolio');
    await goTo(browser, 'share', 'Partager');
    await previewAndCreate(app, 'fr');
    assert.equal(await browser.$('#share-result-title').getText(), 'Votre présentation est prête');
    await checkQr(app, 'fr');
    const file = join(out, 'presentation-fr.json');
    await saveTyped(browser, file, 'share-save-path-file');
    assertVerifies(file);
    const page = join(out, 'portfolio-fr.html');
    await saveTyped(browser, page, 'share-save-path-page');
    assert.match(readFileSync(page, 'utf8'), /<html lang="fr-CA"/);
    await scrollTo(browser, '[data-testid="share-saved"]');
    await app.screenshot('fr-share-saved.png');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="share-history-row"]')).length === 2, {
      timeoutMsg: 'two presentations in the history',
    });
    await scrollTo(browser, '[data-testid="share-history"]');
    await app.screenshot('fr-share-history.png');
    await checkOpened(app, file, 'fr');
  });
});
