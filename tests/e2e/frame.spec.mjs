// Journey "app frame": the real window renders, navigates through every view in English and French,
// reads the real wallet folder through IPC, and a second launch hands over to the first.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appBinary, goTo, launchApp, waitForExit } from './lib/app.mjs';

const VIEWS = {
  en: {
    portfolio: 'Portfolio', timeline: 'Timeline', skills: 'Skills', issuers: 'Issuers', collections: 'Collections',
    quarantine: 'Quarantine', import: 'Import', share: 'Share', profiles: 'Profiles', settings: 'Settings',
  },
  fr: {
    portfolio: 'Portfolio', timeline: 'Parcours', skills: 'Compétences', issuers: 'Émetteurs', collections: 'Collections',
    quarantine: 'Quarantaine', import: 'Importer', share: 'Partager', profiles: 'Profils', settings: 'Réglages',
  },
};

async function navLabels(browser) {
  const links = await browser.$$('nav a[data-nav]');
  const labels = [];
  for (const link of links) labels.push((await link.getText()).trim());
  return labels;
}

describe('app frame, English system', () => {
  let app;
  before(async () => {
    app = await launchApp('frame-en', { LANG: 'en_CA.UTF-8', LC_ALL: '', LC_MESSAGES: '' });
  });
  after(async () => {
    await app?.close();
  });

  it('opens in English on the portfolio', async () => {
    const { browser } = app;
    assert.equal(await browser.$('html').getAttribute('lang'), 'en');
    assert.equal(await browser.$('main h1').getText(), 'Portfolio');
    assert.deepEqual(await navLabels(browser), Object.values(VIEWS.en));
    assert.equal(await browser.getTitle(), 'Portfolio · Carnet');
  });

  it('goes through every view in English', async () => {
    for (const [view, title] of Object.entries(VIEWS.en)) {
      await goTo(app.browser, view, title);
      assert.equal(await app.browser.$(`nav a[data-nav="${view}"]`).getAttribute('aria-current'), 'page');
      await app.screenshot(`en-${view}.png`);
    }
  });

  it('reads the real wallet folder through the engine', async () => {
    await goTo(app.browser, 'settings', 'Settings');
    const shown = await app.browser.$('[data-testid="data-dir"]').getText();
    assert.equal(shown, realpathSync(app.dataDir));
    assert.ok(existsSync(join(app.dataDir, 'carnet-wallet.json')), 'the wallet header was written');
    assert.match(await app.browser.$('[data-testid="version"]').getText(), /^Carnet \d+\.\d+\.\d+/);
  });

  it('switches to French and goes through every view', async () => {
    const { browser } = app;
    await browser.$('button[data-lang="fr"]').click();
    await browser.waitUntil(async () => (await browser.$('html').getAttribute('lang')) === 'fr', {
      timeout: 5_000,
      timeoutMsg: 'the page language did not become fr',
    });
    assert.deepEqual(await navLabels(browser), Object.values(VIEWS.fr));
    for (const [view, title] of Object.entries(VIEWS.fr)) {
      await goTo(browser, view, title);
      await app.screenshot(`fr-${view}.png`);
    }
    assert.equal(await browser.$('button[data-lang="fr"]').getAttribute('aria-pressed'), 'true');
  });

  it('a second launch hands over to the running window and exits', async () => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      assert.fail('single instance on Linux needs a D-Bus session: run the E2E tests under dbus-run-session');
    }
    const second = spawn(appBinary(), [], { env: app.env, stdio: 'ignore' });
    const code = await waitForExit(second, 30_000);
    if (code === null) second.kill('SIGKILL');
    assert.equal(code, 0, 'the second Carnet should exit by itself, handing over to the first');
    // The first window still answers.
    await goTo(app.browser, 'portfolio', 'Portfolio');
  });
});

describe('app frame, French system', () => {
  let app;
  before(async () => {
    app = await launchApp('frame-fr', { LC_ALL: 'fr_CA.UTF-8', LANG: 'fr_CA.UTF-8' });
  });
  after(async () => {
    await app?.close();
  });

  it('opens in French without being asked', async () => {
    const { browser } = app;
    assert.equal(await browser.$('html').getAttribute('lang'), 'fr');
    assert.deepEqual(await navLabels(browser), Object.values(VIEWS.fr));
    assert.equal(
      await browser.$('.empty h2').getText(),
      'Votre portfolio est vide',
    );
    await app.screenshot('fr-system-portfolio.png');
  });

  it('keeps the learner’s choice of English over the system language', async () => {
    const { browser } = app;
    await goTo(browser, 'settings', 'Réglages');
    await browser.$('#language-select').selectByAttribute('value', 'en');
    await browser.waitUntil(async () => (await browser.$('main h1').getText()) === 'Settings', {
      timeout: 5_000,
      timeoutMsg: 'choosing English in Settings did not translate the view',
    });
    await browser.refresh();
    await browser.$('nav a[data-nav="portfolio"]').waitForExist({ timeout: 30_000 });
    assert.equal(await browser.$('html').getAttribute('lang'), 'en');
  });
});
