// Journey J2 (bring everything in): in the real app window, a folder of badges is imported — progress, a report
// naming what was refused and why — and the badges appear in the portfolio grid, with their checks explained.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { goTo, launchApp } from './lib/app.mjs';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/peer-corpus');

describe('import a folder and see it in the portfolio', () => {
  let app;
  let folder;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'carnet-e2e-badges-'));
    mkdirSync(join(folder, 'college'));
    // The rich credential's status list is unreachable: valid, but not fully checked, and the grid must say so.
    const files = ['ob3-vc2-di-achievementcredential.json', 'ob3-baked-jsonld.png', 'ob3-vc2-di-rich.json', 'neg-expired.json'];
    for (const f of files) {
      copyFileSync(join(corpus, f), join(folder, 'college', f));
    }
    app = await launchApp('import', { LANG: 'en_CA.UTF-8', LC_ALL: '' });
  });
  after(async () => {
    await app?.close();
  });

  it('imports the folder and reports each credential', async () => {
    const { browser } = app;
    await goTo(browser, 'import', 'Import');
    await browser.$('[data-testid="import-path"]').setValue(folder);
    await browser.$('[data-testid="import-path-go"]').click();
    const summary = browser.$('[data-testid="import-summary"]');
    await summary.waitForExist({ timeout: 60_000 });
    assert.equal(await summary.getText(), '3 added, 0 already in your wallet, 1 not added.');
    // The progress the importer streamed while it ran ends at every file (channel messages may trail the reply).
    const count = browser.$('[data-testid="import-progress-count"]');
    await browser.waitUntil(async () => (await count.getText()) === '4 of 4 files', {
      timeoutMsg: 'progress reaches 4 of 4 files',
    });
    const outcomes = [];
    for (const row of await browser.$$('[data-testid="import-report"] tbody tr')) {
      outcomes.push(await row.getAttribute('data-outcome'));
    }
    assert.deepEqual(outcomes.sort(), ['imported', 'imported', 'imported', 'invalid']);
    const invalid = await browser.$('[data-testid="import-report"] tr[data-outcome="invalid"]');
    assert.match(await invalid.getText(), /expired/);
    await app.screenshot('en-import-report.png');
  });

  it('shows the badges in the grid, and a badge’s checks', async () => {
    const { browser } = app;
    await goTo(browser, 'portfolio', 'Portfolio');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 3, {
      timeout: 30_000,
      timeoutMsg: 'three cards in the grid',
    });
    assert.equal(await browser.$('[data-testid="portfolio-count"]').getText(), '3 credentials');
    // "Verified" only when every check that applies ran.
    const verdicts = [];
    for (const v of await browser.$$('[data-testid="card-verdict"]')) verdicts.push(await v.getText());
    assert.deepEqual(verdicts.sort(), ['Valid, not fully checked', 'Verified', 'Verified']);
    await app.screenshot('en-portfolio-grid.png');
    await browser.$('[data-testid="portfolio-search"]').setValue('practicum');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 1, {
      timeoutMsg: 'search narrows to one',
    });
    await browser.$('[data-testid="credential-card"]').click();
    const detail = browser.$('[data-testid="credential-detail"]');
    await detail.waitForExist();
    assert.match(await detail.$('li[data-check="proof"]').getText(), /Signature\s+Passed/);
    await app.screenshot('en-portfolio-detail.png');
  });
});
