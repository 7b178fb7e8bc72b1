// Journeys J3 (timeline and skills) and J4 (details and the verification panel) in the real window, in English then
// French, a screenshot per step, and an axe-core audit of each view (zero serious or critical violations). The
// badges are did:key credentials signed here with nothing to fetch; the one whose revocation cannot be checked names
// a status list on a private-use host, refused before any lookup; the expired one is kept in quarantine; the revoked
// one is the demo portfolio's (its issuer's status list comes with the demo).

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { goTo, launchApp } from './lib/app.mjs';
import { badgeJwt, issuer } from './lib/badge.mjs';
import { seriousViolations } from './lib/axe.mjs';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/peer-corpus');
const STATUS_LIST = 'https://status.carnet-e2e.internal/lists/1';

/** A badge aligned to a skill of a framework, awarded on `validFrom`. */
function alignedBadge(from, { id, name, issuerName, validFrom, skill, framework, code, extra = {} }) {
  return badgeJwt(from, {
    id,
    name,
    issuerName,
    validFrom,
    extra: {
      credentialSubject: {
        id: 'did:example:learner',
        type: ['AchievementSubject'],
        achievement: {
          id: `${id}/achievement`,
          type: ['Achievement'],
          name,
          description: `${name} : formation réussie.`,
          criteria: { narrative: '# Critères\n\nRéussir **l’épreuve** pratique. Voir [le programme](https://csfoy.example/programme).' },
          alignment: [
            { type: ['Alignment'], targetName: skill, targetUrl: `https://cadre.example/${code}`, targetFramework: framework, targetCode: code },
          ],
        },
      },
      ...extra,
    },
  });
}

const WORDS = {
  en: {
    portfolio: 'Portfolio', timeline: 'Timeline', skills: 'Skills', quarantine: 'Quarantine',
    verified: 'Verified', partial: 'Valid, not fully checked', reverify: 'Re-verify now', asOf: /holds as of/,
    expired: 'Expired', settings: 'Settings', invalid: 'Not valid', revoked: /revoked by its issuer/,
  },
  fr: {
    portfolio: 'Portfolio', timeline: 'Parcours', skills: 'Compétences', quarantine: 'Quarantaine',
    verified: 'Vérifié', partial: 'Valide, vérification incomplète', reverify: 'Vérifier de nouveau', asOf: /en date du/,
    expired: 'Expirée', settings: 'Réglages', invalid: 'Non valide', revoked: /révoquée par son émetteur/,
  },
};

async function audit(browser, where) {
  assert.deepEqual(await seriousViolations(browser), [], `axe-core: serious or critical violations on ${where}`);
}

describe('J3 timeline and skills, J4 details and the verification panel', () => {
  let app;
  before(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'carnet-e2e-portfolio-'));
    const college = issuer(11);
    const university = issuer(12);
    writeFileSync(join(folder, 'soins-1.jwt'), alignedBadge(college, {
      id: 'urn:uuid:6a1f0c10-0000-4000-8000-000000000001', name: 'Soins infirmiers I', issuerName: 'Cégep de Sainte-Foy',
      validFrom: '2023-05-01T00:00:00Z', skill: 'Soins de base', framework: 'Compétences infirmières', code: 'CI-01',
    }));
    writeFileSync(join(folder, 'soins-2.jwt'), alignedBadge(college, {
      id: 'urn:uuid:6a1f0c10-0000-4000-8000-000000000002', name: 'Soins infirmiers II', issuerName: 'Cégep de Sainte-Foy',
      validFrom: '2024-05-01T00:00:00Z', skill: 'Soins avancés', framework: 'Compétences infirmières', code: 'CI-02',
    }));
    writeFileSync(join(folder, 'anglais.jwt'), alignedBadge(university, {
      id: 'urn:uuid:6a1f0c10-0000-4000-8000-000000000003', name: 'Anglais langue seconde', issuerName: 'Université Laval',
      validFrom: '2024-09-15T00:00:00Z', skill: 'Anglais B2', framework: 'CECR', code: 'B2',
      extra: {
        credentialStatus: {
          id: `${STATUS_LIST}#7`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7',
          statusListCredential: STATUS_LIST,
        },
      },
    }));
    copyFileSync(join(corpus, 'neg-expired.json'), join(folder, 'neg-expired.json'));
    app = await launchApp('portfolio', { LANG: 'en_CA.UTF-8', LC_ALL: '' });
    const { browser } = app;
    await goTo(browser, 'import', 'Import');
    // Keep what does not verify, in quarantine: J4's invalid credential.
    await browser.$('label.keep input').click();
    await browser.$('[data-testid="import-path"]').setValue(folder);
    await browser.$('[data-testid="import-path-go"]').click();
    await browser.$('[data-testid="import-summary"]').waitForExist({ timeout: 60_000 });
  });
  after(async () => {
    await app?.close();
  });

  for (const lang of ['en', 'fr']) {
    const w = WORDS[lang];
    it(`${lang}: the timeline groups by year then issuer`, async () => {
      const { browser } = app;
      if (lang === 'fr') {
        await browser.$('button[data-lang="fr"]').click();
        await browser.waitUntil(async () => (await browser.$('html').getAttribute('lang')) === 'fr', { timeoutMsg: 'French applies' });
      }
      await goTo(browser, 'timeline', w.timeline);
      const timeline = browser.$('[data-testid="timeline"]');
      await timeline.waitForExist({ timeout: 15_000 });
      const years = [];
      for (const h of await browser.$$('[data-testid="timeline"] > li > h2')) years.push(await h.getText());
      assert.deepEqual(years, ['2024', '2023']);
      const issuers = [];
      for (const h of await browser.$$('[data-testid="timeline"] > li:first-child h3')) issuers.push(await h.getText());
      // The expired badge (authentic, only past its end date) stays in the learner's history, marked in words.
      assert.deepEqual(issuers, ['Université Laval', 'Cégep de Sainte-Foy', 'Example Public University']);
      const expired = await browser.$('[data-testid="timeline"] > li:first-child [data-testid="expired"]');
      await expired.waitForExist({ timeout: 10_000 });
      assert.equal(await expired.getText(), w.expired);
      await app.screenshot(`${lang}-j3-timeline.png`);
      await audit(browser, `${lang} timeline`);
    });

    it(`${lang}: skills by framework, each with the badges that evidence it`, async () => {
      const { browser } = app;
      await goTo(browser, 'skills', w.skills);
      await browser.waitUntil(async () => (await browser.$$('[data-testid="framework"]')).length === 2, {
        timeout: 15_000, timeoutMsg: 'two frameworks',
      });
      const names = [];
      for (const f of await browser.$$('[data-testid="framework"] h2')) names.push(await f.getText());
      assert.deepEqual(names.sort(), ['CECR', 'Compétences infirmières']);
      await app.screenshot(`${lang}-j3-skills.png`);
      await audit(browser, `${lang} skills`);
      await browser.$('[data-testid="skills-search"]').setValue('anglais');
      await browser.waitUntil(async () => (await browser.$$('[data-testid="skill"]')).length === 1, { timeoutMsg: 'search narrows to one skill' });
      await app.screenshot(`${lang}-j3-skills-search.png`);
      await browser.$('[data-testid="skill"] button').click();
      const panel = browser.$('[data-testid="credential-detail"]');
      await panel.$('#details-title').waitForExist({ timeout: 15_000 });
      assert.equal(await panel.$('#details-title').getText(), 'Anglais langue seconde');
      await browser.keys('Escape');
      await panel.waitForExist({ reverse: true });
    });

    it(`${lang}: details and the verification panel of a valid, a not fully checked and an invalid credential`, async () => {
      const { browser } = app;
      await goTo(browser, 'portfolio', w.portfolio);
      await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 3, {
        timeout: 15_000, timeoutMsg: 'three cards in the portfolio',
      });
      await audit(browser, `${lang} portfolio`);
      const open = async (name) => {
        const seen = [];
        for (const card of await browser.$$('[data-testid="credential-card"]')) {
          const text = await card.$('.name').getText();
          if (text === name) return card.click();
          seen.push(text);
        }
        throw new Error(`no card ${name} among ${JSON.stringify(seen)}`);
      };
      // Valid.
      await open('Soins infirmiers II');
      const panel = browser.$('[data-testid="credential-detail"]');
      await panel.$('[data-testid="verification-panel"]').waitForExist({ timeout: 15_000 });
      assert.equal(await panel.$('[data-testid="details-verdict"]').getText(), w.verified);
      assert.match(await panel.$('[data-testid="markdown"]').getText(), /https:\/\/csfoy\.example\/programme/);
      assert.equal(await panel.$$('[data-testid="markdown"] a').length, 0);
      assert.match(await panel.$('[data-testid="as-of"]').getText(), w.asOf);
      await app.screenshot(`${lang}-j4-valid.png`);
      await audit(browser, `${lang} details (valid)`);
      await panel.$('[data-testid="reverify"]').click();
      await browser.waitUntil(async () => /2\d{3}/.test(await panel.$('[data-testid="as-of"]').getText()) && (await panel.$('[data-testid="reverify"]').isEnabled()), {
        timeout: 30_000, timeoutMsg: 're-verify answers with a date',
      });
      await app.screenshot(`${lang}-j4-reverified.png`);
      await panel.$('[data-testid="details-close"]').click();
      // Not fully checked: its revocation list cannot be reached.
      await open('Anglais langue seconde');
      await browser.waitUntil(async () => (await panel.$('[data-testid="details-verdict"]').getText()) !== '', { timeout: 15_000 });
      assert.equal(await panel.$('[data-testid="details-verdict"]').getText(), w.partial);
      assert.match(await panel.$('li[data-check="status"]').getText(), /⚠/);
      await app.screenshot(`${lang}-j4-not-fully-checked.png`);
      await panel.$('[data-testid="details-close"]').click();
      // Invalid: in quarantine, with its reason.
      await goTo(browser, 'quarantine', w.quarantine);
      await browser.$('[data-testid="quarantine-reason"]').waitForExist({ timeout: 15_000 });
      assert.match(await browser.$('[data-testid="quarantine-reason"]').getText(), /expired|expir/i);
      await app.screenshot(`${lang}-j4-quarantine.png`);
      await audit(browser, `${lang} quarantine`);
    });
  }

  it('dark theme: the same views pass axe-core (no serious or critical violation)', async () => {
    const { browser } = app;
    await goTo(browser, 'settings', 'Réglages');
    await browser.$('[data-theme-choice="dark"]').click();
    await browser.waitUntil(async () => (await browser.$('html').getAttribute('data-theme')) === 'dark', { timeoutMsg: 'dark theme applies' });
    await audit(browser, 'settings (dark)');
    await goTo(browser, 'portfolio', 'Portfolio');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 3, { timeout: 15_000 });
    await audit(browser, 'portfolio (dark)');
    await browser.$('[data-testid="credential-card"]').click();
    await browser.$('[data-testid="verification-panel"]').waitForExist({ timeout: 15_000 });
    await app.screenshot('fr-dark-details.png');
    await audit(browser, 'details (dark)');
    await goTo(browser, 'timeline', 'Parcours');
    await browser.$('[data-testid="timeline"]').waitForExist({ timeout: 15_000 });
    await audit(browser, 'timeline (dark)');
  });

  // J4's revoked credential: the demo portfolio's, whose issuer's status list (published at a .invalid demo host,
  // which never resolves) comes with the demo in the wallet's cache of fetched documents.
  for (const lang of ['en', 'fr']) {
    const w = WORDS[lang];
    it(`${lang}: details and the verification panel of a revoked credential`, async () => {
      const { browser } = app;
      const current = WORDS[await browser.$('html').getAttribute('lang')];
      await goTo(browser, 'settings', current.settings);
      await browser.$(`button[data-lang="${lang}"]`).click();
      await browser.waitUntil(async () => (await browser.$('html').getAttribute('lang')) === lang, { timeoutMsg: `${lang} applies` });
      if (lang === 'en') {
        await browser.$('[data-testid="add-demo"]').click();
        await browser.$('[data-testid="add-demo"]').waitForEnabled({ timeout: 60_000 });
      }
      await goTo(browser, 'quarantine', w.quarantine);
      let row;
      await browser.waitUntil(async () => {
        for (const r of await browser.$$('[data-testid="quarantined"]')) {
          if ((await r.$('h2').getText()) === "Soins d'urgence — module avancé") row = r;
        }
        return row !== undefined;
      }, { timeout: 30_000, timeoutMsg: 'the revoked demo credential is in quarantine' });
      assert.match(await row.$('[data-testid="quarantine-reason"]').getText(), w.revoked);
      await row.$('.actions button:last-child').click();
      const panel = browser.$('[data-testid="credential-detail"]');
      await panel.$('[data-testid="verification-panel"]').waitForExist({ timeout: 15_000 });
      assert.ok((await panel.$('[data-testid="details-verdict"]').getText()).startsWith(w.invalid));
      const status = await panel.$('li[data-check="status"]').getText();
      assert.match(status, /⚠/);
      assert.match(status, w.revoked);
      await app.screenshot(`${lang}-j4-revoked.png`);
      await audit(browser, `${lang} details (revoked)`);
      await panel.$('[data-testid="details-close"]').click();
      await panel.waitForExist({ reverse: true });
    });
  }
});
