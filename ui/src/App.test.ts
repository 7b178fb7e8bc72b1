// The app in jsdom over an in-memory Platform: first run, lock screen, navigation, languages, profiles, errors.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { i18n } from './lib/i18n/index.svelte';
import { fakePlatform } from './test/fakePlatform';
import { preferences } from './lib/preferences.svelte';

beforeEach(() => {
  preferences.forget();
  localStorage.clear();
  location.hash = '';
  i18n.apply('en');
});
afterEach(() => {
  document.body.innerHTML = '';
});

async function unlockedApp() {
  const fake = fakePlatform({ state: 'unlocked' });
  render(App, { props: { platform: fake.platform, version: '0.1.0' } });
  await screen.findByRole('navigation', { name: 'Main navigation' });
  return fake;
}

describe('App frame', () => {
  it('shows every view in the navigation and opens on the portfolio', async () => {
    await unlockedApp();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((l) => l.textContent?.trim())).toEqual([
      'Portfolio', 'Timeline', 'Skills', 'Issuers', 'Collections', 'Quarantine', 'Import', 'Share', 'Profiles', 'Settings',
    ]);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Portfolio');
    expect(links[0]?.getAttribute('aria-current')).toBe('page');
  });

  it('navigates and moves focus to the new heading', async () => {
    await unlockedApp();
    await fireEvent.click(screen.getByRole('link', { name: 'Share' }));
    const h1 = screen.getByRole('heading', { level: 1 });
    expect(h1.textContent).toBe('Share');
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(document.activeElement).toBe(h1);
    expect(location.hash).toBe('#/share');
  });

  it('switches to French and keeps it in the wallet, not the web view', async () => {
    const fake = await unlockedApp();
    await fireEvent.click(screen.getByRole('button', { name: 'FR' }));
    expect(document.documentElement.lang).toBe('fr');
    expect(screen.getByRole('link', { name: 'Réglages' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Navigation principale' })).toBeTruthy();
    await waitFor(() => expect(fake.settings.language).toBe('fr'));
    expect(localStorage.length).toBe(0);
  });

  it('follows the system before unlock, then the wallet’s language once unlocked, and the system again when locked', async () => {
    i18n.init('en-CA');
    const fake = fakePlatform({ state: 'locked', settings: { language: 'fr', theme: 'dark' } });
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    const unlock = await screen.findByTestId('unlock');
    expect(document.documentElement.lang).toBe('en');
    const field = document.querySelector<HTMLInputElement>('input[type="password"]')!;
    await fireEvent.input(field, { target: { value: 'correct horse' } });
    await fireEvent.click(unlock);
    await screen.findByRole('navigation', { name: 'Navigation principale' });
    expect(document.documentElement.lang).toBe('fr');
    expect(document.documentElement.dataset.theme).toBe('dark');
    await fireEvent.click(screen.getByTestId('lock'));
    await screen.findByTestId('unlock');
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('shows the wallet folder and protection in Settings', async () => {
    await unlockedApp();
    await fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    expect((await screen.findByTestId('data-dir')).textContent).toBe('/home/learner/.local/share/carnet');
    expect(screen.getByTestId('wallet-info').textContent).toContain('181\u00a0B in 1 file');
    expect(screen.getByText('Your wallet is protected by a passphrase.')).toBeTruthy();
  });

  it('says what checking the restored credentials again found, offline unless asked', async () => {
    const fake = await unlockedApp();
    const calls: boolean[] = [];
    const restore = fake.platform.restoreWallet;
    fake.platform.restoreWallet = (path, passphrase, online) => {
      calls.push(online);
      return restore(path, passphrase, online);
    };
    await fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const section = (await screen.findByRole('heading', { name: 'Restore' })).closest('section') as HTMLElement;
    await fireEvent.input(within(section).getByLabelText('Backup passphrase'), { target: { value: 'backup pass' } });
    await fireEvent.click(within(section).getByRole('button', { name: 'Choose a backup and restore…' }));
    const done = await within(section).findByRole('status');
    expect(done.textContent).toContain('checked again from its signed contents');
    expect(done.textContent).toContain('1 verified, 0 not valid, 1 could not be checked');
    await fireEvent.click(within(section).getByTestId('restore-online'));
    await fireEvent.click(within(section).getByRole('button', { name: 'Choose a backup and restore…' }));
    await waitFor(() => expect(calls).toEqual([false, true]));
  });

  it('translates an engine error by its kind', async () => {
    const fake = fakePlatform({ statusError: { kind: 'data_dir.in_use', message: 'open in another Carnet' } });
    i18n.apply('fr');
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('ouvert dans un autre Carnet');
    expect(alert.getAttribute('data-kind')).toBe('data_dir.in_use');
  });
});

describe('first run', () => {
  it('needs a long enough, confirmed passphrase, then creates the wallet and the first profile', async () => {
    const fake = fakePlatform({ state: 'uninitialized', keyringAvailable: false });
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    await screen.findByRole('heading', { name: 'Welcome to Carnet' });
    // No keyring here: the keyring choice is disabled and says why.
    expect((screen.getByTestId('choose-keyring') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/No keyring is available on this computer \(no Secret Service\)/)).toBeTruthy();
    const create = screen.getByTestId('create-wallet') as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'short' } });
    expect(screen.getByText('Use at least 8 characters.')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    await fireEvent.input(screen.getByLabelText('Passphrase again'), { target: { value: 'correct horsE' } });
    expect(screen.getByText('The two passphrases differ.')).toBeTruthy();
    expect(create.disabled).toBe(true);
    await fireEvent.input(screen.getByLabelText('Passphrase again'), { target: { value: 'correct horse' } });
    expect(create.disabled).toBe(false);
    await fireEvent.click(create);
    await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(fake.calls).toContain('initWallet:passphrase');
    expect(fake.profiles.map((p) => p.name)).toEqual(['Personal']);
  });

  it('offers the keyring first when there is one', async () => {
    const fake = fakePlatform({ state: 'uninitialized', keyringAvailable: true });
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    await screen.findByRole('heading', { name: 'Welcome to Carnet' });
    expect((screen.getByTestId('choose-keyring') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByTestId('create-wallet'));
    await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(fake.calls).toContain('initWallet:keyring');
    expect(fake.calls).not.toContain('addDemoPortfolio');
  });

  it('adds the demo portfolio only when asked', async () => {
    const fake = fakePlatform({ state: 'uninitialized', keyringAvailable: true });
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    await screen.findByRole('heading', { name: 'Welcome to Carnet' });
    await fireEvent.click(screen.getByLabelText(/Add a demo portfolio/));
    await fireEvent.click(screen.getByTestId('create-wallet'));
    await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(fake.calls.indexOf('addDemoPortfolio')).toBeGreaterThan(fake.calls.indexOf('initWallet:keyring'));
    // Labelled demo in the portfolio, and in its details.
    const label = await screen.findByTestId('demo-label');
    expect(label.textContent).toBe('Demo');
  });
});

describe('lock screen', () => {
  it('explains a wrong passphrase and unlocks with the right one', async () => {
    const fake = fakePlatform({ state: 'locked', passphrase: 'correct horse' });
    render(App, { props: { platform: fake.platform, version: '0.1.0' } });
    await screen.findByRole('heading', { name: 'Your wallet is locked' });
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'wrong one' } });
    await fireEvent.click(screen.getByTestId('unlock'));
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong passphrase.');
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    await fireEvent.click(screen.getByTestId('unlock'));
    await screen.findByRole('navigation', { name: 'Main navigation' });
  });

  it('locks from the header', async () => {
    await unlockedApp();
    await fireEvent.click(screen.getByTestId('lock'));
    await screen.findByRole('heading', { name: 'Your wallet is locked' });
  });
});

describe('profiles', () => {
  it('creates, renames and deletes after confirmation', async () => {
    const fake = await unlockedApp();
    await fireEvent.click(screen.getByRole('link', { name: 'Profiles' }));
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Travail' } });
    await fireEvent.click(screen.getByTestId('create-profile'));
    await waitFor(() => expect(screen.getAllByTestId('profile')).toHaveLength(1));
    expect(screen.getByTestId('did-key').textContent).toMatch(/^did:key:z6Mk/);

    await fireEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await fireEvent.input(screen.getByDisplayValue('Travail'), { target: { value: 'Emploi' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('profile-name').textContent).toBe('Emploi'));

    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Delete the profile “Emploi”');
    expect(fake.profiles).toHaveLength(1);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryAllByTestId('profile')).toHaveLength(0));
  });
});

describe('Import and portfolio', () => {
  it('imports a typed folder path, reports each credential with its reason, then shows it in the grid', async () => {
    const fake = await unlockedApp();
    await screen.findByText('Your portfolio is empty');
    await fireEvent.click(screen.getByRole('link', { name: 'Import' }));
    await fireEvent.input(screen.getByLabelText('Or type the path of a file or folder'), {
      target: { value: '/home/learner/badges' },
    });
    await fireEvent.click(screen.getByTestId('import-path-go'));
    const report = await screen.findByRole('table', { name: 'Import report' });
    const rows = within(report).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-outcome'))).toEqual(['imported', 'imported', 'invalid']);
    expect(within(rows[2]!).getByText(/expired/)).toBeTruthy();
    expect(screen.getByTestId('import-summary').textContent).toContain('2 added, 0 already in your wallet, 1 not added.');
    expect(fake.calls).toContain('import:/home/learner/badges');
    expect(screen.getByTestId('import-progress-count').textContent).toBe('3 of 3 files');

    await fireEvent.click(screen.getByRole('link', { name: 'Portfolio' }));
    await waitFor(() => expect(screen.getAllByTestId('credential-card').length).toBe(2));
    // "Verified" only when every check that applies ran; revocation unchecked (offline) says so instead.
    const verdicts = screen.getAllByTestId('card-verdict').map((v) => v.textContent);
    expect(verdicts).toEqual(['Verified', 'Valid, not fully checked']);
    // Search ignores accents; the details explain each check in plain words.
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: 'reussite' } });
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('1 credential'));
    await fireEvent.click(screen.getByTestId('credential-card'));
    const detail = await screen.findByTestId('credential-detail');
    expect(within(detail).getByText('Signature')).toBeTruthy();
    expect(within(detail).getByText('Not checked')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: 'reanimation' } });
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('1 credential'));
    await fireEvent.click(screen.getByTestId('credential-card'));
    await waitFor(() => expect(screen.getByTestId('credential-detail').textContent).toContain('Réanimation'));
    const status = screen.getByTestId('credential-detail').querySelector('[data-check="status"]');
    expect(status?.textContent).toContain('⚠ Could not be checked');
    expect(screen.getByTestId('verification-panel').querySelector('h3')?.textContent).toContain('Valid, not fully checked');
  });

  it('says who vouches for each issuer, and when a picture is only the file’s', async () => {
    await unlockedApp();
    await fireEvent.click(screen.getByRole('link', { name: 'Import' }));
    await fireEvent.input(screen.getByLabelText('Or type the path of a file or folder'), {
      target: { value: '/home/learner/badges' },
    });
    await fireEvent.click(screen.getByTestId('import-path-go'));
    await screen.findByRole('table', { name: 'Import report' });
    await fireEvent.click(screen.getByRole('link', { name: 'Portfolio' }));
    await waitFor(() => expect(screen.getAllByTestId('card-identity').length).toBe(2));
    expect(screen.getAllByTestId('card-identity').map((e) => e.textContent)).toEqual([
      'self-named, key only',
      'csfoy.ca, confirmed',
    ]);
    await fireEvent.click(screen.getAllByTestId('credential-card')[0]!);
    const detail = await screen.findByTestId('credential-detail');
    expect(within(detail).getByTestId('picture-from-file').textContent).toContain('Picture from the file');
    expect(within(detail).getByTestId('detail-identity').textContent).toContain('self-named, key only');
    await fireEvent.click(screen.getAllByTestId('credential-card')[1]!);
    await waitFor(() => expect(screen.getByTestId('credential-detail').textContent).toContain('Réanimation'));
    expect(screen.queryByTestId('picture-from-file')).toBeNull();
    i18n.apply('fr');
    await waitFor(() =>
      expect(screen.getAllByTestId('card-identity').map((e) => e.textContent)).toEqual([
        'nom déclaré, clé seulement',
        'csfoy.ca, confirmé',
      ]),
    );
  });

  it('speaks French in the report', async () => {
    await unlockedApp();
    i18n.apply('fr');
    await fireEvent.click(await screen.findByRole('link', { name: 'Importer' }));
    await fireEvent.click(await screen.findByText('Choisir des fichiers…'));
    const report = await screen.findByRole('table', { name: 'Rapport d’importation' });
    expect(within(report).getAllByText('Ajoutée').length).toBe(2);
    expect(within(report).getByText('Non valide')).toBeTruthy();
  });
});
