// Issue 12 in the real window: an offer from the real peer OpenID4VCI issuer (../shared/interop/oid4vci, installed by
// scripts/peer-setup.sh under CARNET_PEER_DIR/oid4vci) running on 127.0.0.1. The learner allows issuers on this
// computer in Settings; the offer link reaches the running app by a second launch of the app binary with the link as
// its argument (what the OS does for a deep link); the consent screen shows who offers what before anything is sent;
// a wrong transaction code is refused in plain words; the right one receives the badge, which appears in the
// portfolio. Nothing leaves 127.0.0.1.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { appBinary, goTo, launchApp, waitForExit } from './lib/app.mjs';

const PEER = join(process.env.CARNET_PEER_DIR ?? '/var/tmp/carnet-peer', 'oid4vci');
const installed = existsSync(join(PEER, 'issuer.mjs')) && existsSync(join(PEER, 'node_modules'));
if (!installed && process.env.CARNET_REQUIRE_PEER === '1') {
  throw new Error(`CARNET_REQUIRE_PEER=1 but ${PEER} holds no installed issuer (run scripts/peer-setup.sh)`);
}

/** Whether nothing on the page matches `selector`, asked at once (an element lookup would wait for it to appear). */
async function absent(browser, selector) {
  return await browser.execute((sel) => document.querySelector(sel) === null, selector);
}

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts the peer issuer on a free 127.0.0.1 port; resolves once it printed its start line. */
async function startIssuer() {
  const port = await freePort();
  const child = spawn('node', [join(PEER, 'issuer.mjs'), String(port), '--lifetime', '300'], {
    cwd: PEER,
    env: { ...process.env, ISSUER_LOG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  createInterface({ input: child.stderr }).on('line', (l) => log.push(l));
  const start = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the issuer did not start: ${log.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`the issuer exited with ${code}: ${log.join('\n')}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    start,
    log,
    /** A fresh offer (test-control endpoint): `{offer_uri, tx_code, …}`. */
    async offer(body) {
      const res = await fetch(`${base}/offers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201);
      return await res.json();
    },
  };
}

describe('receive a badge from an issuer through a deep link', { skip: !installed && 'no peer issuer installed' }, () => {
  let app;
  let issuer;
  before(async () => {
    issuer = await startIssuer();
    app = await launchApp('offer', { LANG: 'en_CA.UTF-8', LC_ALL: '' });
  });
  after(async () => {
    await app?.close();
    issuer?.child.kill();
  });

  it('allows issuers on this computer in Settings, and shows it while on', async () => {
    const { browser } = app;
    await goTo(browser, 'settings', 'Settings');
    const box = browser.$('[data-testid="allow-local-issuers"]');
    await box.waitForEnabled();
    assert.equal(await box.isSelected(), false);
    await box.click();
    await browser.$('[data-testid="local-issuers-on"]').waitForExist({ timeout: 10_000 });
    assert.match(await browser.$('[data-testid="local-issuers-on"]').getText(), /Issuers on this computer are allowed/);
    await app.screenshot('en-offer-setting.png');
  });

  it('a second launch with the link opens the consent screen in the running window; nothing is sent yet', async () => {
    const { browser } = app;
    const offer = await issuer.offer({ tx_code: true, credential_configuration_ids: ['OpenBadgeCredential_ldp_vc'] });
    assert.match(offer.offer_uri, /^openid-credential-offer:\/\//);
    // What the OS runs for a deep link: the app binary with the link as its only argument. It hands the link to the
    // running Carnet (single instance) and exits.
    const second = spawn(appBinary(), [offer.offer_uri], { env: app.env, stdio: 'ignore' });
    assert.equal(await waitForExit(second, 30_000), 0, 'the second launch hands over and exits');
    app.txCode = offer.tx_code;

    const screen = browser.$('[data-testid="offer"][data-phase="consent"]');
    await screen.waitForExist({ timeout: 60_000 });
    assert.equal(await browser.$('main').getAttribute('data-view'), 'offer');
    assert.equal(await browser.$('[data-testid="offer-issuer"]').getText(), 'OID4VCI Interop Test Issuer');
    assert.match(await browser.$('[data-testid="offer-domain"]').getText(), new RegExp(`127\\.0\\.0\\.1:${new URL(issuer.base).port}`));
    const names = [];
    for (const c of await browser.$$('[data-testid="offer-credential"]')) names.push(await c.getText());
    assert.deepEqual(names.map((n) => n.split(' — ')[0]), ['Open Badge (test)']);
    assert.match(await browser.$('[data-testid="offer-tx-help"]').getText(), /Enter the code printed by the test issuer.*6 digits/);
    assert.equal(await browser.$('[data-testid="offer-tx-code"]').getAttribute('inputmode'), 'numeric');
    assert.equal(await browser.$('[data-testid="offer-accept"]').isEnabled(), false);
    assert.ok(await browser.$('[data-testid="local-issuers-on"]').isExisting());
    // Consent first: the issuer's token and credential endpoints have not been touched.
    assert.deepEqual(issuer.log.filter((l) => /POST \/(token|credential|nonce)/.test(l)), []);
    await app.screenshot('en-offer-consent.png');
  });

  it('refuses a wrong transaction code in plain words, stores nothing, then receives with the right one', async () => {
    const { browser } = app;
    const code = browser.$('[data-testid="offer-tx-code"]');
    await code.setValue(app.txCode === '000000' ? '111111' : '000000');
    await browser.$('[data-testid="offer-accept"]').click();
    const alert = browser.$('[data-testid="offer"] [role="alert"]');
    await alert.waitForExist({ timeout: 60_000 });
    assert.equal(await alert.getAttribute('data-kind'), 'offer.wrong_tx_code');
    assert.match(await alert.getText(), /The issuer says the transaction code is wrong/);
    await app.screenshot('en-offer-wrong-code.png');

    await code.setValue(app.txCode);
    await browser.$('[data-testid="offer-accept"]').click();
    const received = browser.$('[data-testid="offer-received"]');
    await received.waitForExist({ timeout: 120_000 });
    assert.equal(await received.getText(), '1 credential from OID4VCI Interop Test Issuer is now in your portfolio.');
    const item = browser.$('[data-testid="offer-received-items"] li');
    assert.equal(await item.getAttribute('data-verdict'), 'valid');
    assert.ok(issuer.log.some((l) => /POST \/token -> 200/.test(l)), issuer.log.join('\n'));
    await app.screenshot('en-offer-received.png');
  });

  it('shows the new badge in the portfolio', async () => {
    const { browser } = app;
    await browser.$('[data-testid="offer-to-portfolio"]').click();
    await browser.waitUntil(async () => (await browser.$('main').getAttribute('data-view')) === 'portfolio', {
      timeoutMsg: 'back on the portfolio',
    });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 1, {
      timeout: 30_000,
      timeoutMsg: 'one card in the grid',
    });
    const card = browser.$('[data-testid="credential-card"]');
    assert.equal(await card.$('.name').getText(), 'Interop Test Badge');
    assert.equal(await card.$('[data-testid="card-verdict"]').getText(), 'Verified');
    await app.screenshot('en-offer-portfolio.png');
  });
});

describe('a link given to the first launch', { skip: !installed && 'no peer issuer installed' }, () => {
  let app;
  let issuer;
  let offer;
  before(async () => {
    issuer = await startIssuer();
    offer = await issuer.offer({ tx_code: false, credential_configuration_ids: ['OpenBadgeCredential_jwt_vc_json'] });
    app = await launchApp('offer-first-launch', { LANG: 'en_CA.UTF-8', LC_ALL: '' }, { args: [offer.offer_uri] });
  });
  after(async () => {
    await app?.close();
    issuer?.child.kill();
  });

  it('waits until the wallet is open, then says plainly that issuers on this computer are off by default', async () => {
    const { browser } = app;
    // launchApp created the wallet (first run); the link waited for it.
    const alert = browser.$('[data-testid="offer"] [role="alert"]');
    await alert.waitForExist({ timeout: 60_000 });
    assert.equal(await alert.getAttribute('data-kind'), 'offer.local_issuer_not_allowed');
    assert.match(await alert.getText(), /allow issuers on this computer \(for testing\) in Settings/);
    assert.ok(await absent(browser, '[data-testid="offer-accept"]'), 'no Accept for an offer that cannot be read');
    // Refused before any connection: the issuer saw nothing but the test's own request.
    assert.deepEqual(issuer.log.filter((l) => / -> /.test(l) && !/POST \/offers /.test(l)), []);
    await app.screenshot('en-offer-local-refused.png');
  });

  it('receives once the learner allowed it and opened the link again', async () => {
    const { browser } = app;
    await browser.$('[data-testid="offer-close"]').click();
    await goTo(browser, 'settings', 'Settings');
    const box = browser.$('[data-testid="allow-local-issuers"]');
    await box.waitForEnabled();
    await box.click();
    await browser.$('[data-testid="local-issuers-on"]').waitForExist({ timeout: 10_000 });
    const second = spawn(appBinary(), [offer.offer_uri], { env: app.env, stdio: 'ignore' });
    assert.equal(await waitForExit(second, 30_000), 0);
    await browser.$('[data-testid="offer"][data-phase="consent"]').waitForExist({ timeout: 60_000 });
    // No transaction code for this offer: Accept is ready at once.
    assert.ok(await absent(browser, '[data-testid="offer-tx-code"]'), 'no code asked');
    await browser.$('[data-testid="offer-accept"]').click();
    await browser.$('[data-testid="offer-received"]').waitForExist({ timeout: 120_000 });
    await browser.$('[data-testid="offer-to-portfolio"]').click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="credential-card"]')).length === 1, {
      timeout: 30_000,
      timeoutMsg: 'one card in the grid',
    });
    assert.equal(await browser.$('[data-testid="card-verdict"]').getText(), 'Verified');
  });
});
