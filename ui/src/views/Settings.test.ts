// Settings over the in-memory Platform: language, theme and offline mode are kept in the wallet (through the
// Platform), never in the web view's storage; axe-core finds nothing serious.

import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appOn, resetApp } from '../test/render';
import { expectAccessible } from '../test/axe';

beforeEach(resetApp);
afterEach(() => {
  document.body.innerHTML = '';
});

describe('Settings', () => {
  it('keeps the language in the wallet through the platform', async () => {
    const fake = await appOn('settings');
    await screen.findByRole('heading', { name: 'Language' });
    await fireEvent.change(document.querySelector('#language-select')!, { target: { value: 'fr' } });
    await waitFor(() => expect(fake.savedSettings[fake.savedSettings.length - 1]?.language).toBe('fr'));
    expect(document.documentElement.lang).toBe('fr');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Réglages');
    expect(localStorage.length).toBe(0);
  });

  it('applies and keeps the theme and the offline mode', async () => {
    const fake = await appOn('settings');
    await fireEvent.click(await screen.findByRole('radio', { name: 'Dark' }));
    await waitFor(() => expect(fake.settings.theme).toBe('dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await fireEvent.click(screen.getByRole('radio', { name: 'Like the system' }));
    await waitFor(() => expect(fake.settings.theme).toBeNull());
    expect(document.documentElement.dataset.theme).toBeUndefined();
    await fireEvent.click(screen.getByRole('checkbox', { name: /Offline mode/ }));
    await waitFor(() => expect(fake.settings.offline).toBe(true));
    await expectAccessible();
  });

  it('adds and removes the demo portfolio in one click each, and nothing else', async () => {
    const fake = await appOn('settings');
    const before = fake.credentials.length;
    await fireEvent.click(await screen.findByTestId('add-demo'));
    await screen.findByText('1 demo credentials added.');
    expect(fake.credentials.filter((c) => c.channel === 'demo').length).toBe(1);
    await fireEvent.click(screen.getByTestId('remove-demo'));
    await screen.findByText('1 demo credentials removed.');
    expect(fake.credentials.length).toBe(before);
    await expectAccessible();
  });

  it('opens with the wallet’s saved choices', async () => {
    await appOn('settings', { settings: { language: 'fr', theme: 'light', offline: true } });
    await waitFor(() => expect(document.documentElement.lang).toBe('fr'));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(((await screen.findByRole('radio', { name: 'Clair' })) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: /Mode hors ligne/ }) as HTMLInputElement).checked).toBe(true);
  });
});
