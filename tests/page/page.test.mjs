// The printable portfolio page in a real browser (Debian's Chromium, headless, driven by playwright-core): sample
// pages written by `cargo run -p carnet-page --example sample` — peer-corpus credentials read back through a
// wallet, and pages whose every field is hostile — open from file:// with no request but the file itself (asserted),
// run nothing, keep their style sheet under the page's strict CSP, fit A4 and Letter, and print to PDF in both.
// Screenshots (on screen, and in print media at each paper's printable width), PDFs and the pages themselves go to
// tests/artifacts/page/.
//
// Run alone: node --test tests/page/   (CARNET_CHROMIUM=/path/to/chromium to use another build)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'tests/artifacts/page');
const CHROMIUM = process.env.CARNET_CHROMIUM ?? '/usr/bin/chromium';
const CORPUS = path.resolve(ROOT, '../shared/fixtures/peer-corpus');

/** Printable area of each paper with the page's `@page` margins (15 mm top and bottom, 16 mm left and right). */
const MM = 96 / 25.4;
const PAPER = {
  A4: { width: 210, height: 297, points: [595.92, 842.88] },
  Letter: { width: 215.9, height: 279.4, points: [612, 792] },
};
const printable = (p) => ({ width: (PAPER[p].width - 32) * MM, height: (PAPER[p].height - 30) * MM });

let browser;
let pages;

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const written = execFileSync('cargo', ['run', '--quiet', '-p', 'carnet-page', '--example', 'sample', '--', OUT], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  pages = written.trim().split('\n').map((p) => path.basename(p));
  assert.deepEqual([...pages].sort(), [
    'hostile-en.html',
    'hostile-fr.html',
    'portfolio-en.html',
    'portfolio-fr.html',
    'presented-en.html',
    'presented-fr.html',
    'presented.json',
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/**
 * Opens a page from its file in a fresh context, recording every request, dialog, console message, page error and
 * popup; the context is offline, so even a request that slipped through would go nowhere (it is still recorded).
 */
async function open(file) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, offline: true });
  const page = await context.newPage();
  const seen = { requests: [], dialogs: [], console: [], errors: [], popups: [] };
  context.on('request', (r) => seen.requests.push(r.url()));
  context.on('page', (p) => p !== page && seen.popups.push(p.url()));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  const url = pathToFileURL(path.join(OUT, file)).href;
  await page.goto(url, { waitUntil: 'load' });
  // Every picture decoded (or failed): whatever they could load has been asked for by now.
  await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => null))));
  return { context, page, seen, url };
}

/** Nothing but the file itself was requested (data: URIs are not network), and nothing ran or complained. */
function assertQuiet({ page, seen, url }) {
  const network = seen.requests.filter((u) => !u.startsWith('data:'));
  assert.deepEqual(
    network.filter((u) => u !== url),
    [],
    `requests besides the file: ${network.join(', ')}`,
  );
  assert.deepEqual(seen.dialogs, [], 'dialogs');
  assert.deepEqual(seen.errors, [], 'page errors');
  assert.deepEqual(seen.popups, [], 'popups');
  assert.deepEqual(seen.console, [], 'console messages (a CSP refusal would show here)');
  assert.equal(page.url(), url, 'the page navigated away');
}

/** The DOM as the browser parsed it: no active content, only data: URLs, the CSP in place, the styles applied. */
async function assertInert(page) {
  const dom = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      active: document.querySelectorAll('script, iframe, frame, object, embed, link, base, form, svg, meta[http-equiv="refresh"]').length,
      handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)),
      styleAttributes: all.filter((el) => el.hasAttribute('style')).length,
      srcs: [...document.querySelectorAll('[src]')].map((el) => el.getAttribute('src').slice(0, 40)),
      hrefs: [...document.querySelectorAll('[href]')].map((el) => el.getAttribute('href').slice(0, 40)),
      csp: [...document.querySelectorAll('meta[http-equiv]')].map((m) => `${m.httpEquiv}: ${m.content}`),
      breakInside: [...document.querySelectorAll('.credential')].map((el) => getComputedStyle(el).breakInside),
    };
  });
  assert.equal(dom.active, 0, 'active or remote-loading elements');
  assert.deepEqual(dom.handlers, [], 'event-handler attributes');
  assert.equal(dom.styleAttributes, 0, 'style attributes');
  for (const src of dom.srcs) assert.match(src, /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,/);
  for (const href of dom.hrefs) assert.match(href, /^data:application\/(json|jwt);base64,/);
  assert.equal(dom.csp.length, 1);
  assert.match(dom.csp[0], /^Content-Security-Policy: default-src 'none'; img-src data:; style-src 'sha256-[A-Za-z0-9+/]+=*'; /);
  // The style sheet applied: the CSP's hash is the right one.
  assert.ok(dom.breakInside.length > 0);
  for (const b of dom.breakInside) assert.equal(b, 'avoid');
}

/**
 * In print, at each paper's printable width: nothing wider than the paper; with `cardsFit`, every card shorter than
 * a page, so `break-inside: avoid` can keep it whole (not asked of hostile pages, whose every field is hundreds of
 * characters: such a card may run over a page, as long as it stays within the paper's width).
 */
async function assertPrintLayout(page, name, { cardsFit }) {
  await page.emulateMedia({ media: 'print' });
  for (const paper of Object.keys(PAPER)) {
    const area = printable(paper);
    await page.setViewportSize({ width: Math.floor(area.width), height: Math.floor(area.height) });
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      cards: [...document.querySelectorAll('.credential')].map((el) => {
        const r = el.getBoundingClientRect();
        return { right: r.right, height: r.height };
      }),
      screenOnly: [...document.querySelectorAll('.screen-only')].filter((el) => getComputedStyle(el).display !== 'none').length,
    }));
    assert.ok(layout.scrollWidth <= layout.clientWidth, `${name} ${paper}: ${layout.scrollWidth}px wide in ${layout.clientWidth}px`);
    for (const card of layout.cards) {
      assert.ok(card.right <= layout.clientWidth + 0.5, `${name} ${paper}: a card overflows to ${card.right}px`);
      if (cardsFit) {
        assert.ok(card.height < area.height, `${name} ${paper}: a card of ${card.height}px cannot fit on one page`);
      }
    }
    assert.equal(layout.screenOnly, 0, `${name} ${paper}: screen-only parts are printed`);
    await page.screenshot({ path: path.join(OUT, `${name}-print-${paper}.png`), fullPage: true });
    const pdf = await page.pdf({ format: paper, printBackground: true });
    writeFileSync(path.join(OUT, `${name}-${paper}.pdf`), pdf);
    assertPdfPages(pdf, paper, name);
  }
  await page.emulateMedia({ media: 'screen' });
}

/** Every page of the PDF has the paper's size; there is at least one. */
function assertPdfPages(pdf, paper, name) {
  const text = pdf.toString('latin1');
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(boxes.length >= 1, `${name} ${paper}: no pages in the PDF`);
  const [w, h] = PAPER[paper].points;
  for (const [bw, bh] of boxes) {
    assert.ok(Math.abs(bw - w) < 2 && Math.abs(bh - h) < 2, `${name} ${paper}: page of ${bw}×${bh} pt, not ${w}×${h}`);
  }
}

for (const lang of ['en', 'fr']) {
  test(`portfolio page (${lang}): corpus credentials, no request, inert, printable on A4 and Letter`, async () => {
    const opened = await open(`portfolio-${lang}.html`);
    const { context, page } = opened;
    try {
      await assertInert(page);
      const facts = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        title: document.title,
        names: [...document.querySelectorAll('.credential h3')].map((h) => h.textContent),
        verdicts: [...document.querySelectorAll('.credential .verdict')].map((v) => v.textContent),
        identities: [...document.querySelectorAll('.credential .identity')].map((v) => v.textContent),
        notes: [...document.querySelectorAll('.credential .note')].map((v) => v.textContent),
        pictures: document.querySelectorAll('.credential .picture img').length,
        qr: document.querySelectorAll('.credential .qr img').length,
        pre: document.querySelector('pre')?.textContent,
        download: document.querySelector('a[download]')?.getAttribute('href'),
        downloadName: document.querySelector('a[download]')?.getAttribute('download'),
        text: document.body.innerText,
      }));
      const words =
        lang === 'en'
          ? {
              lang: 'en',
              title: 'Portfolio of Marie-Ève Tremblay',
              verdicts: ['Verified', 'Valid, not fully checked', 'Could not be checked', 'Not valid'],
              identity: '— self-named, key only',
              note: 'Picture from the file: the issuer’s signature does not cover it.',
              checked: 'Verification on November 29, 2026: Verified',
              how: 'How to check this portfolio',
            }
          : {
              lang: 'fr-CA',
              title: 'Portfolio de Marie-Ève Tremblay',
              verdicts: ['Vérifié', 'Valide, vérification incomplète', 'Vérification impossible', 'Non valide'],
              identity: '— nom déclaré, clé seulement',
              note: 'Image tirée du fichier\u00a0: la signature de l’émetteur ne la couvre pas.',
              checked: 'Vérification du 29 novembre 2026\u00a0: Vérifié',
              how: 'Comment vérifier ce portfolio',
            };
      assert.equal(facts.lang, words.lang);
      assert.equal(facts.title, words.title);
      assert.equal(facts.names.length, 6, facts.names.join(' | '));
      // Only the OB 2.0 badge has no name: offline, its badge class (which holds the name) is out of reach.
      assert.equal(facts.names.filter((n) => !n.trim() || n === '—').length, 1, facts.names.join(' | '));
      assert.deepEqual([...new Set(facts.verdicts)].sort(), [...words.verdicts].sort());
      assert.ok(facts.identities.includes(words.identity), facts.identities.join(' | '));
      assert.ok(facts.notes.includes(words.note), facts.notes.join(' | '));
      assert.ok(facts.text.includes(words.checked));
      assert.ok(facts.text.includes(words.how));
      assert.ok(facts.pictures >= 4, `${facts.pictures} pictures`);
      assert.ok(facts.qr >= 1, 'no QR code although small credentials fit in one');
      // The attached presentation is the corpus one, byte for byte, as text and as the download.
      const vp = readFileSync(path.join(CORPUS, 'vp-vc2-di-eddsa-rdfc-2022.json'), 'utf8').trim();
      assert.equal(facts.pre, vp);
      assert.equal(facts.downloadName, 'presentation.json');
      assert.equal(Buffer.from(facts.download.split(',')[1], 'base64').toString('utf8'), vp);

      await page.screenshot({ path: path.join(OUT, `portfolio-${lang}.png`), fullPage: true });
      await assertPrintLayout(page, `portfolio-${lang}`, { cardsFit: true });
      assertQuiet(opened);
    } finally {
      await context.close();
    }
  });

  test(`presented page (${lang}): a real presentation's page, as carnet present --page makes it`, async () => {
    const opened = await open(`presented-${lang}.html`);
    const { context, page } = opened;
    try {
      await assertInert(page);
      const facts = await page.evaluate(() => ({
        names: [...document.querySelectorAll('.credential h3')].map((h) => h.textContent),
        pre: document.querySelector('pre')?.textContent,
        download: document.querySelector('a[download]')?.getAttribute('href'),
      }));
      // The five presentable credentials (the OB 2.0 assertion cannot be presented), the presentation attached
      // byte for byte as Carnet signed it.
      assert.equal(facts.names.length, 5, facts.names.join(' | '));
      const vp = readFileSync(path.join(OUT, 'presented.json'), 'utf8');
      assert.equal(facts.pre, vp);
      assert.equal(Buffer.from(facts.download.split(',')[1], 'base64').toString('utf8'), vp);
      assert.ok(JSON.parse(vp).proof.challenge === 'c-sample');
      await page.screenshot({ path: path.join(OUT, `presented-${lang}.png`), fullPage: true });
      await assertPrintLayout(page, `presented-${lang}`, { cardsFit: true });
      assertQuiet(opened);
    } finally {
      await context.close();
    }
  });

  test(`hostile page (${lang}): markup, styles, URLs and a scripted SVG picture stay text or inert`, async () => {
    const opened = await open(`hostile-${lang}.html`);
    const { context, page } = opened;
    try {
      await assertInert(page);
      const facts = await page.evaluate(() => ({
        title: document.title,
        names: [...document.querySelectorAll('.credential h3')].map((h) => h.textContent),
        pictures: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src').slice(0, 26)),
        background: getComputedStyle(document.body).backgroundImage,
      }));
      // The hostile text is shown as text, whole.
      assert.ok(facts.title.includes("<script>fetch('https://evil.example/script')</script>"), facts.title);
      assert.ok(facts.names.includes('</style><style>body{background:url(https://evil.example/css)}</style>'));
      assert.ok(facts.names.includes("<a href=\"javascript:fetch('https://evil.example/js')\">click</a>"));
      assert.equal(facts.background, 'none');
      // Only the SVG picture survived (as an image), everything else was dropped.
      assert.ok(facts.pictures.length >= 2, facts.pictures.join(' | '));
      for (const src of facts.pictures) assert.equal(src, 'data:image/svg+xml;base64,');
      await page.screenshot({ path: path.join(OUT, `hostile-${lang}.png`), fullPage: true });
      await assertPrintLayout(page, `hostile-${lang}`, { cardsFit: false });
      assertQuiet(opened);
    } finally {
      await context.close();
    }
  });
}
