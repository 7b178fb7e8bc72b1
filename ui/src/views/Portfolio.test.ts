// The Portfolio over the in-memory Platform: filters and sort ask the right query, search as you type, the windowed
// list keeps a bounded number of cards in the page for 10,000 credentials, a loading state shows first, axe passes.

import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appOn, resetApp } from '../test/render';
import { manyCredentials, sampleCredentials } from '../test/fakePlatform';
import { expectAccessible } from '../test/axe';

beforeEach(resetApp);
afterEach(() => {
  document.body.innerHTML = '';
});

const last = <T,>(list: T[]) => list[list.length - 1]!;

describe('Portfolio', () => {
  it('shows a loading state before the first cards, then the cards', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const fake = await appOn('portfolio', { credentials: sampleCredentials() }, (f) => {
      const portfolio = f.platform.portfolio;
      f.platform.portfolio = async (q) => {
        await gate;
        return portfolio(q);
      };
    });
    expect(await screen.findByTestId('portfolio-loading')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Portfolio');
    release();
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('5 credentials'));
    expect(screen.getAllByTestId('credential-card')).toHaveLength(5);
    expect(fake.queries[0]).toMatchObject({ offset: 0, sort: 'date', includeQuarantined: false });
  });

  it('sorts and filters by what the facets offer, each asking the engine the right query', async () => {
    const fake = await appOn('portfolio', { credentials: sampleCredentials() });
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(5));

    await fireEvent.change(screen.getByTestId('portfolio-sort'), { target: { value: 'name' } });
    await waitFor(() => expect(last(fake.queries).sort).toBe('name'));
    await waitFor(() =>
      expect(screen.getAllByTestId('credential-card').map((c) => c.querySelector('.name')?.textContent)[0]).toBe(
        'Anglais langue seconde',
      ),
    );

    const issuer = screen.getByLabelText('Issuer') as HTMLSelectElement;
    await waitFor(() => expect(issuer.options.length).toBe(4));
    expect([...issuer.options].map((o) => o.textContent)).toContain('Cégep de Sainte-Foy (2)');
    await fireEvent.change(issuer, { target: { value: 'did:web:csfoy.ca' } });
    await waitFor(() => expect(last(fake.queries).issuer).toBe('did:web:csfoy.ca'));
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('2 credentials'));

    await fireEvent.change(screen.getByLabelText('Achievement type'), { target: { value: 'Certificate' } });
    await fireEvent.change(screen.getByLabelText('Year'), { target: { value: '2024' } });
    await waitFor(() => expect(last(fake.queries)).toMatchObject({ achievementType: 'Certificate', year: 2024, issuer: 'did:web:csfoy.ca' }));
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('1 credential'));

    await fireEvent.change(issuer, { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('Achievement type'), { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('Year'), { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('Verification'), { target: { value: 'invalid' } });
    // "Not valid" includes those kept in quarantine: that is where they are.
    await waitFor(() => expect(last(fake.queries)).toMatchObject({ verdict: 'invalid', includeQuarantined: true }));
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('2 credentials'));
    await expectAccessible();
  });

  it('searches as you type and filters by collection', async () => {
    const fake = await appOn('portfolio', { credentials: sampleCredentials() }, (f) => {
      f.collections.push({ id: 'k1', name: 'Langues', credentialIds: ['s3'], createdAt: '2026-11-29T10:00:00Z' });
    });
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(5));
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: 'soins' } });
    await waitFor(() => expect(last(fake.queries).search).toBe('soins'));
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(3));
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: '' } });
    await fireEvent.change(await screen.findByLabelText('In collection'), { target: { value: 'k1' } });
    await waitFor(() => expect(last(fake.queries).collection).toBe('k1'));
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(1));
  });

  it('keeps only a window of the 10,000 cards in the page, in grid and list modes, and fetches more as it scrolls', async () => {
    const fake = await appOn('portfolio', { credentials: manyCredentials(10_000) });
    await waitFor(() => expect(screen.getByTestId('portfolio-count').textContent).toBe('10000 credentials'));
    await waitFor(() => expect(screen.getAllByTestId('credential-card').length).toBeGreaterThan(0));
    const grid = screen.getAllByTestId('credential-card').length;
    expect(grid).toBeLessThanOrEqual(60);
    // Only the first chunk was asked for, not the whole portfolio.
    expect(fake.queries.every((q) => q.limit === 100)).toBe(true);
    expect(fake.queries.length).toBe(1);
    const items = screen.getByRole('list', { name: 'Your credentials' }).querySelectorAll('li');
    expect(items[0]?.getAttribute('aria-setsize')).toBe('10000');

    await fireEvent.click(screen.getByRole('button', { name: 'List' }));
    await waitFor(() => expect(screen.getAllByTestId('credential-card').length).toBeGreaterThan(0));
    expect(screen.getAllByTestId('credential-card').length).toBeLessThanOrEqual(30);

    // Scrolled far down: the cards there are fetched and shown, still a bounded number.
    const viewport = screen.getByTestId('portfolio-grid');
    Object.defineProperty(viewport, 'scrollTop', { configurable: true, value: 68 * 5000 });
    await fireEvent.scroll(viewport);
    await waitFor(() => expect(screen.getAllByTestId('credential-card')[0]?.textContent).toMatch(/Badge/));
    await waitFor(() => expect(fake.queries.some((q) => q.offset === 4900 || q.offset === 5000)).toBe(true));
    const shown = screen.getByRole('list', { name: 'Your credentials' }).querySelectorAll('li');
    expect(shown.length).toBeLessThanOrEqual(30);
    expect(Number(shown[0]?.getAttribute('aria-posinset'))).toBeGreaterThan(4900);
    expect(screen.queryByTestId('portfolio-more')).toBeNull();
  });

  it('opens details from a card, the newer version from a superseded one, and back', async () => {
    const creds = sampleCredentials();
    creds[0]!.superseded = true;
    await appOn('portfolio', { credentials: creds }, (f) => {
      f.supersededBy.s1 = 's2';
    });
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(5));
    const card = screen.getAllByTestId('credential-card').find((c) => c.querySelector('.name')?.textContent === 'Soins infirmiers I')!;
    await fireEvent.click(card);
    const panel = await screen.findByTestId('credential-detail');
    await within(panel).findByTestId('superseded-note');
    await fireEvent.click(within(panel).getByRole('button', { name: 'Open the newer version' }));
    await waitFor(() => expect(within(screen.getByTestId('credential-detail')).getByRole('heading', { level: 2 }).textContent).toBe('Soins infirmiers II'));
    // And back from the newer one to the version it replaced.
    const back = await within(screen.getByTestId('credential-detail')).findByTestId('earlier-versions');
    await fireEvent.click(within(back).getByRole('button', { name: 'Open the version of May 1, 2023' }));
    await waitFor(() => expect(within(screen.getByTestId('credential-detail')).getByRole('heading', { level: 2 }).textContent).toBe('Soins infirmiers I'));
  });

  it('marks an expired credential in words, not only colour', async () => {
    await appOn('portfolio', { credentials: sampleCredentials() });
    await fireEvent.change(await screen.findByLabelText('Verification'), { target: { value: 'invalid' } });
    await waitFor(() => {
      const permit = screen.getAllByTestId('credential-card').find((c) => c.textContent?.includes('Permis de pratique'));
      expect(permit?.textContent).toContain('Expired');
    });
  });

  it('puts several selected credentials in a collection at once, from the keyboard too', async () => {
    const fake = await appOn('portfolio', { credentials: sampleCredentials() }, (f) => {
      void f.platform.createCollection('Soins infirmiers');
    });
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('select-mode'));
    expect(screen.getByTestId('selection-bar').textContent).toContain('Nothing selected');
    const add = screen.getByTestId('selection-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    const cards = screen.getAllByTestId('credential-card');
    await fireEvent.click(cards[0]!);
    await fireEvent.click(cards[2]!);
    await fireEvent.click(cards[3]!);
    await fireEvent.click(cards[3]!); // a second press unselects
    expect(cards.map((c) => c.getAttribute('aria-pressed'))).toEqual(['true', 'false', 'true', 'false', 'false']);
    expect(screen.queryByTestId('credential-detail')).toBeNull();
    await expectAccessible(document.body);
    await fireEvent.click(add);
    await waitFor(() => expect(screen.getByTestId('selection-note').textContent).toBe('2 credentials added to “Soins infirmiers”.'));
    expect(fake.calls.filter((c) => c.startsWith('members:'))).toHaveLength(1);
    const members = (await fake.platform.collections());
    expect(members.ok && members.value[0]!.credentialIds.length).toBe(2);
    await fireEvent.click(screen.getByTestId('select-mode'));
    expect(screen.queryByTestId('selection-bar')).toBeNull();
    // Out of selection mode, a card opens its details again.
    await fireEvent.click(screen.getAllByTestId('credential-card')[0]!);
    expect(await screen.findByTestId('credential-detail')).toBeTruthy();
  });
});
