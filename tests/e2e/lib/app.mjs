// E2E harness: starts tauri-driver (which launches the real Carnet binary through WebKitWebDriver) in an
// isolated home, opens a WebDriver session, and cleans everything up. Waits are on conditions, never sleeps.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { remote } from 'webdriverio';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = join(ROOT, 'tests/artifacts/e2e');
mkdirSync(ARTIFACTS, { recursive: true });

/** A debug binary of this workspace (`carnet-app`, `carnet`), wherever CARGO_TARGET_DIR puts it. */
export function debugBinary(name) {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
  return join(target, 'debug', name);
}

export function appBinary() {
  return process.env.CARNET_APP_BIN ?? debugBinary('carnet-app');
}

/** A private home for one app run: data folder, XDG folders, so nothing touches the real $HOME. */
export function isolatedEnv(extra = {}) {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'carnet-e2e-')));
  const env = {
    ...process.env,
    HOME: home,
    // Toolchains stay where they are installed (scripts/run.sh calls cargo).
    RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(homedir(), '.rustup'),
    CARGO_HOME: process.env.CARGO_HOME ?? join(homedir(), '.cargo'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    CARNET_DATA_DIR: join(home, 'wallet'),
    ...extra,
  };
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME']) mkdirSync(env[k], { recursive: true });
  return { home, env };
}

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited early with code ${child.exitCode}`);
    const open = await new Promise((r) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        r(true);
      });
      socket.on('error', () => r(false));
    });
    if (open) return;
    await delay(50); // poll interval while waiting for the port to open, not a guess at readiness
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/** The Carnet app processes started for one isolated run (Linux /proc: the app is WebKitWebDriver's child). */
function appProcesses(dataDir) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'carnet-app') continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`CARNET_DATA_DIR=${dataDir}\0`)) pids.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Waits until the app of this run has exited (so its wallet lock is free); kills it if it lingers. */
async function waitForAppGone(dataDir, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (appProcesses(dataDir).length > 0) {
    if (Date.now() > deadline) {
      for (const pid of appProcesses(dataDir)) process.kill(pid, 'SIGKILL');
    }
    await delay(50); // poll interval while waiting for the process to exit
  }
}

/** Waits for a child process to exit; resolves to its exit code, or null on time-out. */
export function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(null), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

/**
 * Launches Carnet under tauri-driver and returns a WebDriver session on its main window.
 * @param {string} name  used to name log files in the artifacts folder
 * @param {Record<string,string>} extraEnv
 * @param {{onboard?: boolean, args?: string[]}} options  `args`: the app's command line (a deep link, as the OS
 *   gives it to a first launch)
 */
export async function launchApp(name, extraEnv = {}, { onboard = true, args = [] } = {}) {
  const { home, env } = isolatedEnv(extraEnv);
  const port = await freePort();
  const nativePort = await freePort();
  const log = createWriteStream(join(ARTIFACTS, `${name}.tauri-driver.log`));
  const driver = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  await waitForPort(port, driver, 30_000);

  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    connectionRetryTimeout: 120_000,
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: appBinary(), args },
    },
  });
  // The page loads after the session starts: every element lookup waits up to 15 s for it.
  await browser.setTimeout({ implicit: 15_000 });
  if (onboard) {
    await createWallet(browser);
    await browser.$('nav a[data-nav="portfolio"]').waitForExist({ timeout: 60_000 });
  }

  return {
    browser,
    home,
    env,
    dataDir: env.CARNET_DATA_DIR,
    async screenshot(file) {
      await browser.saveScreenshot(join(ARTIFACTS, file));
    },
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        driver.kill('SIGTERM');
        if ((await waitForExit(driver, 10_000)) === null) driver.kill('SIGKILL');
        // Ending the session asks the app to quit; it holds the wallet lock until it really has.
        await waitForAppGone(env.CARNET_DATA_DIR, 10_000);
        log.end();
      }
    },
  };
}

export const PASSPHRASE = 'correct horse battery';

/** The first-run screen: passphrase protection (deterministic on any machine), default first profile. */
export async function createWallet(browser, passphrase = PASSPHRASE) {
  await browser.$('[data-testid="create-wallet"]').waitForExist({ timeout: 60_000 });
  await browser.$('[data-testid="choose-passphrase"]').click();
  await browser.$('#onboarding-pass-1').setValue(passphrase);
  await browser.$('#onboarding-pass-2').setValue(passphrase);
  await browser.$('[data-testid="create-wallet"]').click();
}

/** Clicks a navigation entry and waits until its view's heading shows `title`. */
export async function goTo(browser, view, title) {
  await browser.$(`nav a[data-nav="${view}"]`).click();
  await browser.waitUntil(
    async () => (await browser.$('main h1').getText()) === title && (await browser.$('main').getAttribute('data-view')) === view,
    { timeout: 10_000, timeoutMsg: `view ${view} did not show the heading ${JSON.stringify(title)}` },
  );
}
