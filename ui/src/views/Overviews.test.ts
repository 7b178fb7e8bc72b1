// Timeline, Skills, Issuers, Collections and Quarantine over the in-memory Platform with a realistic portfolio:
// what each shows, what it asks the engine, that each opens the details panel, and an axe-core audit of each.

import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appOn, resetApp } from '../test/render';
import { sampleCredentials } from '../test/fakePlatform';
import { expectAccessible } from '../test/axe';
import { i18n } from '../lib/i18n/index.svelte';

beforeEach(resetApp);
afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('Timeline', () => {
  it('groups by year then issuer, marks expired ones in words, and lists pathways', async () => {
    await appOn('timeline', { credentials: sampleCredentials() }, (f) => {
      f.pathways.push({ from: 's1', to: 's2' });
    });
    const timeline = await screen.findByTestId('timeline');
    const years = [...timeline.querySelectorAll(':scope > li > h2')].map((h) => h.textContent);
    expect(years).toEqual(['2025', '2024', '2023', '2022']);
    const y2024 = timeline.querySelectorAll(':scope > li')[1]!;
    expect([...y2024.querySelectorAll('h3')].map((h) => h.textContent)).toEqual(['Université Laval', 'Cégep de Sainte-Foy']);
    const permit = timeline.querySelector('[data-credential="s4"]')!;
    expect(within(permit as HTMLElement).getByTestId('expired').textContent).toBe('Expired');
    const pathway = screen.getByTestId('pathway');
    expect(pathway.textContent).toContain('Soins infirmiers I');
    expect(pathway.textContent).toContain('leads to');
    expect(pathway.textContent).toContain('Soins infirmiers II');
    await expectAccessible();
    await fireEvent.click(permit);
    expect(await screen.findByTestId('credential-detail')).toBeTruthy();
  });
});

describe('Skills', () => {
  it('groups skills by framework with counts and their badges, and searches inside them', async () => {
    const fake = await appOn('skills', { credentials: sampleCredentials() });
    const frameworks = await screen.findAllByTestId('framework');
    expect(frameworks.map((f) => f.querySelector('h2')?.textContent)).toEqual(['Compétences infirmières', 'CECR']);
    const first = within(frameworks[0]!).getAllByTestId('skill')[0]!;
    expect(first.querySelector('h3')?.textContent).toContain('Soins de base');
    expect(first.querySelector('h3')?.textContent).toContain('1 credential');
    await waitFor(() => expect(within(first).getByRole('button', { name: /Soins infirmiers I/ })).toBeTruthy());
    expect(screen.getByRole('heading', { name: 'Achievement types' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Fields of study' })).toBeTruthy();
    await expectAccessible();

    await fireEvent.input(screen.getByLabelText('Search your skills'), { target: { value: 'anglais' } });
    await waitFor(() => expect(fake.calls).toContain('skills:anglais'));
    await waitFor(() => expect(screen.getAllByTestId('skill')).toHaveLength(1));
    expect(screen.getByTestId('skill').textContent).toContain('Anglais B2');
    await fireEvent.click(within(screen.getByTestId('skill')).getByRole('button', { name: /Anglais langue seconde/ }));
    const panel = await screen.findByTestId('credential-detail');
    await waitFor(() => expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('Anglais langue seconde'));

    await fireEvent.input(screen.getByLabelText('Search your skills'), { target: { value: 'zzz' } });
    expect((await screen.findByTestId('skills-empty')).textContent).toBe('No skill matches.');
  });
});

describe('Issuers', () => {
  it('shows each issuer’s identity, key binding, award span and badges', async () => {
    await appOn('issuers', { credentials: sampleCredentials() });
    const issuers = await screen.findAllByTestId('issuer');
    expect(issuers.map((i) => i.querySelector('h2')?.textContent)).toEqual([
      'Ordre des infirmières', 'Cégep de Sainte-Foy', 'Université Laval',
    ]);
    const csfoy = issuers[1]!;
    expect(within(csfoy).getByTestId('issuer-identity').textContent).toBe('csfoy.ca, confirmed');
    expect(within(csfoy).getByTestId('issuer-bound').textContent).toBe('3 of 3 credentials');
    expect(csfoy.textContent).toContain('from May 1, 2023 to February 1, 2025');
    expect(within(issuers[0]!).getByTestId('issuer-identity').textContent).toBe('self-named, key only');
    await waitFor(() => expect(within(csfoy).getAllByRole('button').length).toBe(3));
    await expectAccessible();
  });
});

describe('Collections', () => {
  it('creates, renames, shows members, removes one and deletes after confirmation', async () => {
    const fake = await appOn('collections', { credentials: sampleCredentials() });
    expect(await screen.findByTestId('collections-empty')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('New collection'), { target: { value: 'Soins' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    const k = await screen.findByTestId('collection');
    expect(fake.calls).toContain('createCollection:Soins');
    // Same name again: translated refusal.
    await fireEvent.input(screen.getByLabelText('New collection'), { target: { value: 'soins' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByRole('alert')).textContent).toContain('A collection already has that name.');

    fake.collections[0]!.credentialIds.push('s1', 's2');
    await fireEvent.click(within(k).getByRole('button', { name: 'Rename' }));
    await fireEvent.input(screen.getByLabelText('New name'), { target: { value: 'Soins infirmiers' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('collection').querySelector('h2')?.textContent).toContain('Soins infirmiers'));
    expect(screen.getByTestId('collection').textContent).toContain('2 credentials');
    await expectAccessible();

    await fireEvent.click(screen.getByRole('button', { name: 'Remove “Soins infirmiers I” from “Soins infirmiers”' }));
    await waitFor(() => expect(fake.collections[0]!.credentialIds).toEqual(['s2']));

    vi.spyOn(window, 'confirm').mockReturnValue(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await screen.findByTestId('collections-empty');
    expect(fake.collections).toHaveLength(0);
  });

  it('shows a collection in the portfolio, filtered', async () => {
    const fake = await appOn('collections', { credentials: sampleCredentials() }, (f) => {
      f.collections.push({ id: 'k1', name: 'Langues', credentialIds: ['s3'], createdAt: '2026-11-29T10:00:00Z' });
    });
    await fireEvent.click(await screen.findByRole('button', { name: 'Show in the portfolio' }));
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(1));
    expect(fake.queries[fake.queries.length - 1]!.collection).toBe('k1');
    expect((screen.getByLabelText('In collection') as HTMLSelectElement).value).toBe('k1');
  });
});

describe('Quarantine', () => {
  it('says why each one did not verify and tries again', async () => {
    const fake = await appOn('quarantine', { credentials: sampleCredentials() });
    const row = await screen.findByTestId('quarantined');
    expect(row.querySelector('h2')?.textContent).toBe('Réanimation cardiorespiratoire');
    await waitFor(() => expect(within(row).getByTestId('quarantine-reason').textContent).toContain('Signature'));
    expect(within(row).getByTestId('quarantine-reason').textContent).toContain('the signature does not match the credential');
    await expectAccessible();
    await fireEvent.click(within(row).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('quarantine-notes').textContent).toContain('Still not verified (Not valid), as of'));
    expect(fake.calls).toContain('reverify:s5');
  });

  it('speaks French', async () => {
    i18n.apply('fr');
    await appOn('quarantine', { credentials: sampleCredentials() });
    const row = await screen.findByTestId('quarantined');
    expect(within(row).getByRole('button', { name: 'Réessayer' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Quarantaine');
  });
});
