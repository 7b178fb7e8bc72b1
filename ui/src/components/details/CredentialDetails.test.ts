// The details panel over the in-memory Platform: every field, criteria as safe Markdown (HTML shown as text, link
// targets written out, nothing loaded), re-verify says "as of", collections add and remove, raw copy, axe passes.

import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appOn, resetApp } from '../../test/render';
import { sampleCredentials } from '../../test/fakePlatform';
import { expectAccessible } from '../../test/axe';
import { i18n } from '../../lib/i18n/index.svelte';

beforeEach(resetApp);
afterEach(() => {
  document.body.innerHTML = '';
});

async function openFirst(setup: Parameters<typeof appOn>[2] = () => {}) {
  const fake = await appOn('portfolio', { credentials: sampleCredentials() }, setup);
  const card = await waitFor(() => {
    const c = screen.getAllByTestId('credential-card').find((x) => x.querySelector('.name')?.textContent === 'Soins infirmiers I');
    expect(c).toBeTruthy();
    return c!;
  });
  await fireEvent.click(card);
  const panel = await screen.findByTestId('credential-detail');
  await within(panel).findByTestId('details-results');
  return { fake, panel };
}

describe('credential details', () => {
  it('shows what a learner or employer cares about, criteria as safe Markdown', async () => {
    const { panel } = await openFirst();
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('Soins infirmiers I');
    expect(within(panel).getByTestId('details-license').textContent).toBe('LIC-2023-001');
    expect(within(panel).getByTestId('details-credits').textContent).toBe('6 earned of 6');
    const results = within(panel).getByTestId('details-results');
    expect(results.textContent).toContain('Note finale');
    expect(results.textContent).toContain('92 / 100');
    expect(results.textContent).toContain('Excellent');
    expect(within(panel).getByTestId('details-alignments').textContent).toContain('Compétences infirmières');
    expect(panel.textContent).toContain('Programme reconnu.');
    expect(panel.textContent).toContain('https://csfoy.ca/evidence/1');
    // Markdown: structure as elements, HTML as text, the link's target visible and not a link.
    const md = within(panel).getAllByTestId('markdown')[0]!;
    expect(md.querySelector('h4')?.textContent).toBe('Critères');
    expect(md.querySelector('strong')?.textContent).toBe('trois');
    expect(md.querySelectorAll('li')).toHaveLength(2);
    expect(md.querySelector('script')).toBeNull();
    expect(md.textContent).toContain('<script>alert(1)</script>');
    expect(md.querySelector('a')).toBeNull();
    expect(md.querySelector('.md-target')?.textContent).toBe('(https://csfoy.ca/programme)');
    expect(panel.querySelectorAll('img[src^="http"]').length).toBe(0);
    expect(within(panel).getByTestId('details-raw').textContent).toContain('urn:uuid:s1');
    await expectAccessible();
  });

  it('re-verifies now and says as of when the answer holds', async () => {
    const { fake, panel } = await openFirst();
    expect(within(panel).getByTestId('as-of').textContent).toContain('This answer holds as of November 27, 2026');
    await fireEvent.click(within(panel).getByRole('button', { name: 'Re-verify now' }));
    await waitFor(() => expect(within(panel).getByTestId('as-of').textContent).toMatch(/^Checked again: this answer holds as of November 29, 2026/));
    expect(fake.calls).toContain('reverify:s1');
  });

  it('adds the credential to a collection and takes it out', async () => {
    const { fake, panel } = await openFirst((f) => {
      f.collections.push({ id: 'k1', name: 'Soins', credentialIds: [], createdAt: '2026-11-29T10:00:00Z' });
    });
    const box = within(panel).getByRole('checkbox', { name: 'Soins' }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await fireEvent.click(box);
    await waitFor(() => expect(fake.collections[0]!.credentialIds).toEqual(['s1']));
    await fireEvent.click(box);
    await waitFor(() => expect(fake.collections[0]!.credentialIds).toEqual([]));
    expect(fake.calls).toEqual(expect.arrayContaining(['members:k1:s1:true', 'members:k1:s1:false']));
  });

  it('shows nothing unsigned when the proof does not hold', async () => {
    const fake = await appOn('portfolio', { credentials: sampleCredentials() }, (f) => {
      f.facts.s1 = null;
    });
    const card = await waitFor(() => screen.getAllByTestId('credential-card').find((x) => x.querySelector('.name')?.textContent === 'Soins infirmiers I')!);
    await fireEvent.click(card);
    const panel = await screen.findByTestId('credential-detail');
    await within(panel).findByTestId('details-unsigned');
    expect(within(panel).queryByTestId('details-results')).toBeNull();
    expect(fake.calls).not.toContain('reverify:s1');
  });

  it('speaks French', async () => {
    i18n.apply('fr');
    const { panel } = await openFirst();
    expect(within(panel).getByRole('button', { name: 'Vérifier de nouveau' })).toBeTruthy();
    expect(within(panel).getByTestId('as-of').textContent).toContain('en date du 27 novembre 2026');
    await expectAccessible();
  });
});
