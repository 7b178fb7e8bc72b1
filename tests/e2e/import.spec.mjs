// Journey J2 (bring everything in): in the real app window, a folder of badges is imported — progress, a report
// naming what was refused and why — and the badges appear in the portfolio grid, with their checks explained.
// Nothing in it reaches the internet: the corpus files are did:key credentials with nothing to fetch, and the badge
// whose revocation cannot be checked names a status list on a private-use host, which Carnet refuses before any
// lookup (the app has no offline switch the test could use).

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { goTo, launchApp } from './lib/app.mjs';
import { badgeJwt, issuer } from './lib/badge.mjs';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/peer-corpus');
const STATUS_LIST = 'https://status.carnet-e2e.internal/lists/1';

describe('import a folder and see it in the portfolio', () => {
  let app;
  let folder;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'carnet-e2e-badges-'));
    mkdirSync(join(folder, 'college'));
    const files = ['ob3-vc2-di-achievementcredential.json', 'ob3-baked-jsonld.png', 'neg-expired.json'];
    for (const f of files) {
      const bytes = readFileSync(join(corpus, f));
      // Nothing these name is fetched: no status list, no did:web key, no endorsement.
      for (const remote of ['credentialStatus', 'did:web', 'endorsement']) {
        assert.ok(!bytes.includes(remote), `${f} names ${remote}: the import would go on line`);
      }
      copyFileSync(join(corpus, f), join(folder, 'college', f));
    }
    // Valid, but its revocation cannot be checked (the list's host is refused): the grid must say "not fully checked".
    const jwt = badgeJwt(issuer(7), {
      id: 'urn:uuid:5b0c1f0e-e2e0-4c6a-9d1e-6f1a7c0e2e01',
      name: 'École de soudure',
      issuerName: 'Centre de formation',
      extra: {
        credentialStatus: {
          id: `${STATUS_LIST}#42`,
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: '42',
          statusListCredential: STATUS_LIST,
        },
      },
    });
    writeFileSync(join(folder, 'college', 'ecole-de-soudure.jwt'), jwt);
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
    // Typed without its accent, the accented badge is found (and only it).
    await browser.$('[data-testid="portfolio-search"]').setValue('ecole');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 1, {
      timeoutMsg: '"ecole" narrows to one',
    });
    const card = browser.$('[data-testid="credential-card"]');
    assert.equal(await card.$('.name').getText(), 'École de soudure');
    assert.equal(await card.$('[data-testid="card-verdict"]').getText(), 'Valid, not fully checked');
    await card.click();
    const status = browser.$('[data-testid="credential-detail"] li[data-check="status"]');
    await status.waitForExist();
    // The status list was refused before any lookup: not checked, said so, and no request left the machine.
    assert.match(await status.getAttribute('class'), /\bwarning\b/);
    assert.match(await status.getText(), /refusing to fetch https:\/\/status\.carnet-e2e\.internal\/lists\/1/);
    await app.screenshot('en-portfolio-search-accent.png');
    await browser.$('[data-testid="portfolio-search"]').setValue('practicum');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 1, {
      timeoutMsg: 'search narrows to one',
    });
    const practicum = browser.$('[data-testid="credential-card"]');
    const name = await practicum.$('.name').getText();
    await practicum.click();
    // The panel now shows this badge, not the one opened before.
    const detail = browser.$('[data-testid="credential-detail"]');
    await browser.waitUntil(async () => (await detail.$('#details-title').getText()) === name, {
      timeoutMsg: `the details of ${name}`,
    });
    assert.match(await detail.$('li[data-check="proof"]').getText(), /Signature\s+Passed/);
    await app.screenshot('en-portfolio-detail.png');
  });
});
