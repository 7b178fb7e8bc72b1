// Journey J1 with the demo portfolio, in English then French: the first-run screen offers it; chosen, the real app
// verifies and stores the signed demo credentials, the portfolio shows them labelled "Demo" (details say it is not
// a real attestation), the timeline and skills have them, axe-core finds nothing serious, and Settings removes them
// in one click. A screenshot per step.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSPHRASE, goTo, launchApp } from './lib/app.mjs';
import { seriousViolations } from './lib/axe.mjs';

const WORDS = {
  en: {
    lang: 'en_CA.UTF-8', welcome: 'Welcome to Carnet', demo: 'Demo', portfolio: 'Portfolio', timeline: 'Timeline',
    skills: 'Skills', settings: 'Settings', removed: /15 demo credentials removed/,
  },
  fr: {
    lang: 'fr_CA.UTF-8', welcome: 'Bienvenue dans Carnet', demo: 'Démo', portfolio: 'Portfolio', timeline: 'Parcours',
    skills: 'Compétences', settings: 'Réglages', removed: /15 attestations de démonstration retirées/,
  },
};

/** How many elements match now (no implicit wait: absence is the answer, not a timeout). */
async function count(browser, selector) {
  return browser.execute((s) => document.querySelectorAll(s).length, selector);
}

async function audit(browser, where) {
  assert.deepEqual(await seriousViolations(browser), [], `axe-core: serious or critical violations on ${where}`);
}

for (const lang of ['en', 'fr']) {
  const w = WORDS[lang];
  describe(`J1 first run with the demo portfolio (${lang})`, () => {
    let app;
    before(async () => {
      app = await launchApp(`j1-demo-${lang}`, { LANG: w.lang, LC_ALL: '' }, { onboard: false });
    });
    after(async () => {
      await app?.close();
    });

    it('offers the demo on the first-run screen and shows it, labelled, in the portfolio', async () => {
      const { browser } = app;
      await browser.$('[data-testid="create-wallet"]').waitForExist({ timeout: 60_000 });
      assert.equal(await browser.$('h1').getText(), w.welcome);
      await browser.$('[data-testid="choose-passphrase"]').click();
      await browser.$('#onboarding-pass-1').setValue(PASSPHRASE);
      await browser.$('#onboarding-pass-2').setValue(PASSPHRASE);
      await browser.$('[data-testid="with-demo"]').click();
      assert.equal(await browser.$('[data-testid="with-demo"]').isSelected(), true);
      await app.screenshot(`${lang}-j1-demo-offered.png`);
      await audit(browser, 'the first-run screen');
      await browser.$('[data-testid="create-wallet"]').click();
      await browser.$('nav a[data-nav="portfolio"]').waitForExist({ timeout: 60_000 });
      // Thirteen verified demo credentials (the expired and the revoked ones wait in quarantine), each labelled.
      await browser.waitUntil(async () => (await browser.$$('[data-testid="demo-label"]')).length > 0, {
        timeout: 30_000,
        timeoutMsg: 'no demo credential appeared in the portfolio',
      });
      const labels = await browser.$$('[data-testid="credential-card"] [data-testid="demo-label"]');
      const cards = await browser.$$('[data-testid="credential-card"]');
      assert.ok(cards.length > 0);
      assert.equal(labels.length, cards.length, 'every card in view is labelled demo');
      assert.equal(await labels[0].getText(), w.demo);
      await app.screenshot(`${lang}-j1-demo-portfolio.png`);
      await audit(browser, 'the portfolio with the demo');
    });

    it('says in the details that a demo credential is not a real attestation', async () => {
      const { browser } = app;
      await browser.$('[data-testid="credential-card"]').click();
      await browser.$('[data-testid="demo-note"]').waitForExist({ timeout: 15_000 });
      await app.screenshot(`${lang}-j1-demo-details.png`);
      await browser.keys('Escape');
      await browser.waitUntil(async () => (await count(browser, '[data-testid="demo-note"]')) === 0, {
        timeout: 10_000,
        timeoutMsg: 'Escape did not close the details',
      });
    });

    it('has the demo in the timeline and the skills', async () => {
      const { browser } = app;
      await goTo(browser, 'timeline', w.timeline);
      await browser.$('main [data-testid="demo-label"]').waitForExist({ timeout: 15_000 });
      await app.screenshot(`${lang}-j1-demo-timeline.png`);
      await goTo(browser, 'skills', w.skills);
      await browser.waitUntil(async () => (await browser.$('main').getText()).includes('(démo)'), {
        timeout: 15_000,
        timeoutMsg: 'the demo frameworks are not in the skills',
      });
      await app.screenshot(`${lang}-j1-demo-skills.png`);
    });

    it('removes the demo in one click from the settings', async () => {
      const { browser } = app;
      await goTo(browser, 'settings', w.settings);
      await browser.$('[data-testid="remove-demo"]').click();
      await browser.waitUntil(async () => w.removed.test(await browser.$('main').getText()), {
        timeout: 30_000,
        timeoutMsg: 'the demo was not removed',
      });
      await goTo(browser, 'portfolio', w.portfolio);
      await browser.waitUntil(async () => (await count(browser, '[data-testid="demo-label"]')) === 0, {
        timeout: 15_000,
        timeoutMsg: 'demo credentials are still in the portfolio',
      });
      await app.screenshot(`${lang}-j1-demo-removed.png`);
    });
  });
}
