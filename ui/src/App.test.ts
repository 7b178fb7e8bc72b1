// The app frame in jsdom, over a fake Platform: navigation, language switch, wallet info and errors.

import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { i18n } from './lib/i18n/index.svelte';
import type { Outcome, Platform, WalletInfo } from './lib/ipc';

const info: WalletInfo = {
  dataDir: '/home/learner/.local/share/carnet',
  outcome: 'opened',
  formatVersion: 1,
  walletId: '0e968f6f1356f38b69764d9017c35e8e',
  createdAt: '2026-11-27T08:05:31Z',
  createdBy: 'Carnet 0.1.0',
  sizeBytes: 181,
  fileCount: 1,
};

function platform(wallet: Outcome<WalletInfo>): Platform {
  return {
    appInfo: async () => ({ version: '0.1.0', osLocale: 'en-CA' }),
    walletInfo: async () => wallet,
  };
}

beforeEach(() => {
  localStorage.clear();
  location.hash = '';
  i18n.apply('en');
});
afterEach(() => {
  document.body.innerHTML = '';
});

describe('App', () => {
  it('shows the five views in the navigation and opens on the portfolio', () => {
    render(App, { props: { platform: platform({ ok: true, value: info }), version: '0.1.0' } });
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((l) => l.textContent?.trim())).toEqual(['Portfolio', 'Import', 'Share', 'Profiles', 'Settings']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Portfolio');
    expect(links[0]?.getAttribute('aria-current')).toBe('page');
  });

  it('navigates and moves focus to the new heading', async () => {
    render(App, { props: { platform: platform({ ok: true, value: info }), version: '0.1.0' } });
    await fireEvent.click(screen.getByRole('link', { name: 'Profiles' }));
    const h1 = screen.getByRole('heading', { level: 1 });
    expect(h1.textContent).toBe('Profiles');
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(document.activeElement).toBe(h1);
    expect(location.hash).toBe('#/profiles');
  });

  it('switches to French and remembers it', async () => {
    render(App, { props: { platform: platform({ ok: true, value: info }), version: '0.1.0' } });
    await fireEvent.click(screen.getByRole('button', { name: 'FR' }));
    expect(document.documentElement.lang).toBe('fr');
    expect(screen.getByRole('link', { name: 'Réglages' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Navigation principale' })).toBeTruthy();
    expect(localStorage.getItem('carnet.language')).toBe('fr');
  });

  it('shows the wallet folder in Settings', async () => {
    render(App, { props: { platform: platform({ ok: true, value: info }), version: '0.1.0' } });
    await fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    expect((await screen.findByTestId('data-dir')).textContent).toBe(info.dataDir);
    expect(screen.getByTestId('wallet-info').textContent).toContain('181\u00a0B in 1 file');
  });

  it('translates an engine error by its kind', async () => {
    const failing = platform({
      ok: false,
      error: { kind: 'data_dir.foreign_directory', message: '/home/x is not empty and holds no Carnet wallet' },
    });
    i18n.apply('fr');
    render(App, { props: { platform: failing, version: '0.1.0' } });
    // Shown at once, on whatever view is open: the wallet is opened at start-up.
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('contient déjà d’autres fichiers');
    expect(alert.getAttribute('data-kind')).toBe('data_dir.foreign_directory');
  });
});
