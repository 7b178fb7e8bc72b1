// Journeys J1 (first run) and J8 (keep it safe): the real app creates an encrypted wallet with a passphrase,
// shows the profile's DIDs, locks and unlocks, keeps nothing readable on disk, and shares the store with the CLI.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PASSPHRASE, debugBinary, goTo, launchApp } from './lib/app.mjs';

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const carnetCli = () => debugBinary('carnet');

describe('first run and lock screen', () => {
  let app;
  before(async () => {
    app = await launchApp('vault', { LANG: 'en_CA.UTF-8', LC_ALL: '' }, { onboard: false });
  });
  after(async () => {
    await app?.close();
  });

  it('asks how to protect the wallet and checks the passphrase as it is typed', async () => {
    const { browser } = app;
    await browser.$('[data-testid="create-wallet"]').waitForExist({ timeout: 60_000 });
    assert.equal(await browser.$('h1').getText(), 'Welcome to Carnet');
    await browser.$('[data-testid="choose-passphrase"]').click();
    await browser.$('#onboarding-pass-1').setValue('short');
    await browser.$('.field-error').waitForExist();
    assert.equal(await browser.$('.field-error').getText(), 'Use at least 8 characters.');
    assert.equal(await browser.$('[data-testid="create-wallet"]').isEnabled(), false);
    await app.screenshot('en-onboarding.png');
  });

  it('creates the encrypted wallet and the first profile', async () => {
    const { browser } = app;
    await browser.$('#onboarding-pass-1').setValue(PASSPHRASE);
    await browser.$('#onboarding-pass-2').setValue(PASSPHRASE);
    await browser.$('[data-testid="create-wallet"]').click();
    await browser.$('nav a[data-nav="profiles"]').waitForExist({ timeout: 60_000 });
    const header = JSON.parse(readFileSync(join(app.dataDir, 'carnet-wallet.json'), 'utf8'));
    assert.equal(header.vault.protection.kind, 'passphrase');
    assert.equal(header.vault.protection.params.m_cost_kib, 131072);
    await goTo(browser, 'profiles', 'Profiles');
    await browser.$('[data-testid="did-key"]').waitForExist();
    assert.equal(await browser.$('[data-testid="profile-name"]').getText(), 'Personal');
    assert.match(await browser.$('[data-testid="did-key"]').getAttribute('title'), /^did:key:z6Mk/);
  });

  it('adds a second profile', async () => {
    const { browser } = app;
    await browser.$('#new-profile-name').setValue('Travail Tremblay');
    await browser.$('[data-testid="create-profile"]').click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="profile"]')).length === 2, {
      timeout: 10_000,
      timeoutMsg: 'the new profile did not appear',
    });
    await app.screenshot('en-profiles-two.png');
  });

  it('locks, refuses a wrong passphrase, and unlocks with the right one', async () => {
    const { browser } = app;
    await browser.$('[data-testid="lock"]').click();
    await browser.$('#unlock-passphrase').waitForExist({ timeout: 10_000 });
    await browser.$('#unlock-passphrase').setValue('not my passphrase');
    await browser.$('[data-testid="unlock"]').click();
    await browser.$('[role="alert"]').waitForExist({ timeout: 30_000 });
    assert.match(await browser.$('[role="alert"]').getText(), /Wrong passphrase\./);
    await app.screenshot('en-unlock-wrong.png');
    await browser.$('#unlock-passphrase').setValue(PASSPHRASE);
    await browser.$('[data-testid="unlock"]').click();
    await browser.$('nav a[data-nav="portfolio"]').waitForExist({ timeout: 30_000 });
  });

  it('locks and unlocks again at once, several times in a row', async () => {
    // Closing the store and opening it again straight away: sled may hold its file lock a moment longer, and the
    // unlock must wait for it rather than say the wallet is open elsewhere.
    const { browser } = app;
    for (let round = 0; round < 3; round += 1) {
      await browser.$('[data-testid="lock"]').click();
      await browser.$('#unlock-passphrase').waitForExist({ timeout: 10_000 });
      await browser.$('#unlock-passphrase').setValue(PASSPHRASE);
      await browser.$('[data-testid="unlock"]').click();
      // An unlock refused ("open in another Carnet") would leave the lock screen and its alert up.
      await browser.$('nav a[data-nav="portfolio"]').waitForExist({
        timeout: 30_000,
        timeoutMsg: `round ${round}: the wallet did not unlock`,
      });
    }
  });

  it('keeps nothing readable in the data folder', () => {
    for (const file of filesUnder(app.dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of ['Travail Tremblay', 'Personal', 'did:key:']) {
        assert.equal(bytes.includes(Buffer.from(needle)), false, `${needle} in clear in ${file}`);
      }
    }
  });

  it('shares the wallet with the carnet command once the app is closed', async () => {
    await goTo(app.browser, 'profiles', 'Profiles');
    const shown = [];
    for (const el of await app.browser.$$('[data-testid="did-key"]')) shown.push(await el.getAttribute('title'));
    const env = app.env;
    // While the app runs, the CLI is told the wallet is open elsewhere.
    let busy;
    try {
      execFileSync(carnetCli(), ['profile', 'list', '--json'], { env: { ...env, CARNET_PASSPHRASE: PASSPHRASE }, stdio: 'pipe' });
    } catch (e) {
      busy = String(e.stderr);
    }
    assert.match(busy ?? '', /open in another Carnet/);
    await app.close();
    app = null;
    const listed = JSON.parse(
      execFileSync(carnetCli(), ['profile', 'list', '--json'], { env: { ...env, CARNET_PASSPHRASE: PASSPHRASE } }),
    );
    assert.deepEqual(listed.map((p) => p.did_key).sort(), shown.sort());
    assert.deepEqual(listed.map((p) => p.name).sort(), ['Personal', 'Travail Tremblay']);
  });
});
