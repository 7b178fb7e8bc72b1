// The Share page over the in-memory Platform: pick credentials → preview what is disclosed → confirmation when
// something does not verify today → create → QR code (or the plain too-large message) → saves; history; and a
// presentation someone gave the learner, checked (J6). English and French.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { i18n } from '../lib/i18n/index.svelte';
import { fakePlatform } from '../test/fakePlatform';
import { preferences } from '../lib/preferences.svelte';

beforeEach(() => {
  preferences.forget();
  localStorage.clear();
  location.hash = '';
  i18n.apply('en');
});
afterEach(() => {
  document.body.innerHTML = '';
});

/** The app on the Share page, with one profile and the fake's two credentials (c1 with a picture, c2 without). */
async function sharePage(setup: (fake: ReturnType<typeof fakePlatform>) => void = () => {}) {
  const fake = fakePlatform({ state: 'unlocked' });
  await fake.platform.createProfile('Personal');
  await fake.platform.importPaths(['/home/learner/badges'], false, () => {});
  setup(fake);
  render(App, { props: { platform: fake.platform, version: '0.1.0' } });
  await fireEvent.click(await screen.findByRole('link', { name: i18n.t.nav.share }));
  await waitFor(() => expect(screen.getAllByTestId('share-credential')).toHaveLength(2));
  return fake;
}

async function selectBoth() {
  for (const box of screen.getAllByTestId('share-credential')) await fireEvent.click(box);
}

async function previewAndCreate() {
  await fireEvent.click(screen.getByTestId('share-preview'));
  await screen.findByTestId('share-preview-section');
  await fireEvent.click(screen.getByTestId('share-create'));
  return await screen.findByTestId('share-result');
}

describe('Share page', () => {
  it('narrows the choice to a collection and selects the whole collection in one step', async () => {
    await sharePage((fake) => {
      void fake.platform.createCollection('Soins').then((k) => {
        if (k.ok) void fake.platform.setCollectionMembers(k.value.id, ['c2'], true);
      });
    });
    const which = (await screen.findByTestId('share-collection')) as HTMLSelectElement;
    await waitFor(() => expect([...which.options].map((o) => o.textContent)).toEqual(['All credentials', 'Soins (1)']));
    await fireEvent.change(which, { target: { value: which.options[1]!.value } });
    await waitFor(() => expect(screen.getAllByTestId('share-credential')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('share-select-shown'));
    const boxes = screen.getAllByTestId('share-credential') as HTMLInputElement[];
    expect(boxes.map((b) => [b.value, b.checked])).toEqual([['c2', true]]);
    await fireEvent.change(which, { target: { value: '' } });
    await waitFor(() => expect(screen.getAllByTestId('share-credential')).toHaveLength(2));
    const all = screen.getAllByTestId('share-credential') as HTMLInputElement[];
    expect(all.filter((b) => b.checked).map((b) => b.value)).toEqual(['c2']);
  });

  it('selects by search and checkbox, previews what is disclosed, creates, shows the QR code and saves', async () => {
    const fake = await sharePage();
    // Search as you type; the selection survives a search that hides it.
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: 'reanimation' } });
    await waitFor(() => expect(screen.getAllByTestId('share-credential')).toHaveLength(1));
    await fireEvent.click(screen.getByRole('checkbox', { name: /Réanimation/ }));
    expect(screen.getByTestId('share-selected-count').textContent).toBe('1 credential selected');
    await fireEvent.input(screen.getByLabelText('Search your portfolio'), { target: { value: '' } });
    await waitFor(() => expect(screen.getAllByTestId('share-credential')).toHaveLength(2));
    expect((screen.getByRole('checkbox', { name: /Réanimation/ }) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByRole('checkbox', { name: /Soins infirmiers I/ }));
    expect(screen.getByTestId('share-selected-count').textContent).toBe('2 credentials selected');

    await fireEvent.input(screen.getByLabelText('Challenge (optional)'), { target: { value: ' nonce-42 ' } });
    await fireEvent.input(screen.getByLabelText('Domain (optional)'), { target: { value: 'rh.example' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Preview what will be shared' }));
    const preview = await screen.findByTestId('share-preview-section');
    // Focus lands on the preview's heading; the selection order is kept.
    await waitFor(() => expect(document.activeElement?.id).toBe('share-preview-title'));
    expect(within(preview).getAllByTestId('preview-name').map((n) => n.textContent)).toEqual(['Réanimation', 'Soins infirmiers I']);
    expect(within(preview).getByTestId('preview-holder').textContent).toBe(fake.profiles[0]!.didKey);
    expect(within(preview).getAllByTestId('preview-identity').map((n) => n.textContent)).toEqual([
      '— csfoy.ca, confirmed',
      '— self-named, key only',
    ]);
    expect(within(preview).getAllByTestId('preview-verdict').map((n) => n.textContent)).toEqual([
      'Valid, not fully checked',
      'Verified',
    ]);
    expect(within(preview).getAllByTestId('preview-picture').map((n) => n.textContent)).toEqual(['none', 'included']);
    // Only Réanimation names a subject other than this profile's DID.
    const items = within(preview).getAllByTestId('preview-item');
    expect(within(items[0]!).getByTestId('subject-not-holder')).toBeTruthy();
    expect(within(items[1]!).queryByTestId('subject-not-holder')).toBeNull();
    expect(screen.queryByTestId('share-confirm')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Create the presentation' }));
    const result = await screen.findByTestId('share-result');
    await waitFor(() => expect(document.activeElement?.id).toBe('share-result-title'));
    expect(fake.calls).toContain('createPresentation:dataIntegrity:false');
    expect(within(result).getByTestId('share-result-summary').textContent).toContain('2 credentials');
    // The JSON form by default; the compressed one on request.
    expect(within(result).getByTestId('share-qr').getAttribute('data-form')).toBe('json');
    const img = within(result).getByRole('img', { name: 'QR code of the presentation' }) as HTMLImageElement;
    expect(img.src).toMatch(/^data:image\/svg\+xml/);
    expect(decodeURIComponent(img.src)).toContain('data-form="json"');
    await fireEvent.click(within(result).getByTestId('qr-form-vpqr'));
    expect(within(result).getByTestId('share-qr').getAttribute('data-form')).toBe('vpqr');
    expect(within(result).getByText('QR code version 21, 1,730 characters.')).toBeTruthy();

    // Typed path: the file, then the same path again is refused in plain words (never overwritten).
    await fireEvent.input(within(result).getByLabelText('Or type the full path of a new file'), {
      target: { value: '/home/learner/vp.json' },
    });
    await fireEvent.click(within(result).getByRole('button', { name: 'Save the presentation there' }));
    await waitFor(() => expect(within(result).getByTestId('share-saved').textContent).toContain('/home/learner/vp.json'));
    await fireEvent.click(within(result).getByRole('button', { name: 'Save the presentation there' }));
    expect((await within(result).findByRole('alert')).textContent).toContain('Carnet never writes over a file');
    await fireEvent.input(within(result).getByLabelText('Or type the full path of a new file'), {
      target: { value: '/home/learner/vp.png' },
    });
    await fireEvent.click(within(result).getByRole('button', { name: 'Save the QR code there (.png or .svg)' }));
    await waitFor(() => expect(within(result).getByTestId('share-saved').textContent).toContain('vp.png'));
    // The dialog: the page, with the profile's name by default and the app's language.
    expect((within(result).getByLabelText('Your name on the printable page') as HTMLInputElement).value).toBe('Personal');
    await fireEvent.click(within(result).getByRole('button', { name: 'Save the printable page…' }));
    await waitFor(() => expect(fake.saved).toHaveLength(3));
    expect(fake.saved.map((s) => [s.what, s.extra])).toEqual([
      ['file', undefined],
      ['qr', 'vpqr'],
      ['page', 'Personal|en'],
    ]);
    expect(fake.calls.some((c) => /^chooseSavePath:portfolio-\d{4}-\d\d-\d\d\.html:html$/.test(c))).toBe(true);

    // The history: the three saves of this presentation on one row, in the order they were made.
    await waitFor(() =>
      expect(screen.getByTestId('share-history-forms').textContent).toBe('File, QR code (VPQR), Printable page'),
    );
    expect(screen.getAllByTestId('share-history-row')).toHaveLength(1);
    expect(fake.shares).toHaveLength(3);
    // The verifier's challenge and domain went into the presentation, trimmed.
    expect(fake.shares.map((r) => [r.challenge, r.domain])).toEqual(Array(3).fill(['nonce-42', 'rh.example']));
    expect(screen.getByTestId('share-history').textContent).toContain('rh.example');
    expect(screen.getByTestId('share-history').textContent).toContain('Réanimation, Soins infirmiers I');
  });

  it('needs an explicit yes before including a credential that does not verify today', async () => {
    const fake = await sharePage((f) => {
      f.today.c2 = { verdict: 'invalid', fullyVerified: false, reason: 'dates: expired: validUntil was 2025-06-30T00:00:00Z' };
    });
    await selectBoth();
    await fireEvent.click(screen.getByTestId('share-preview'));
    const preview = await screen.findByTestId('share-preview-section');
    expect(within(preview).getAllByTestId('preview-verdict').map((n) => n.textContent)).toEqual(['Verified', 'Not valid']);
    expect(within(preview).getByTestId('preview-reason').textContent).toContain('expired');
    const create = screen.getByTestId('share-create') as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    expect(screen.getByTestId('share-confirm-label').textContent).toContain('Include anyway what does not verify today (Réanimation)');
    await fireEvent.click(screen.getByRole('checkbox', { name: /Include anyway/ }));
    expect(create.disabled).toBe(false);
    await fireEvent.click(create);
    await screen.findByTestId('share-result');
    expect(fake.calls).toContain('createPresentation:dataIntegrity:true');
  });

  it('shows an Open Badges 2.0 badge as not presentable, with the reason, and does not create', async () => {
    const fake = await sharePage((f) => {
      f.notPresentable.c1 = 'it is an Open Badges 2.0 assertion, not a W3C verifiable credential: share its file instead';
    });
    await selectBoth();
    await fireEvent.click(screen.getByTestId('share-preview'));
    const preview = await screen.findByTestId('share-preview-section');
    const blocked = within(preview).getByTestId('not-presentable');
    expect(blocked.textContent).toContain('Cannot go in a presentation.');
    expect(blocked.textContent).toContain('This is an Open Badges 2.0 badge, not a verifiable credential: share its file instead.');
    expect(blocked.closest('li')?.textContent).toContain('Soins infirmiers I');
    expect((screen.getByTestId('share-create') as HTMLButtonElement).disabled).toBe(true);
    expect(fake.calls.filter((c) => c.startsWith('createPresentation'))).toEqual([]);
  });

  it('says plainly when the presentation is too large for a QR code, and points to the file and the page', async () => {
    await sharePage((f) => {
      f.qr.fits = false;
    });
    await selectBoth();
    const result = await previewAndCreate();
    const note = within(result).getByTestId('share-qr-too-large');
    expect(note.textContent).toContain('2 credentials with pictures: 8,539 bytes, a QR code holds at most 2,953.');
    expect(note.textContent).toContain('Save it as a file or as a printable page instead (below).');
    expect(within(result).queryByRole('img')).toBeNull();
    await fireEvent.click(within(result).getByTestId('qr-form-vpqr'));
    expect(within(result).getByTestId('share-qr-too-large').textContent).toContain('9,120 characters, a QR code holds at most 4,296.');
    expect(within(result).getByRole('button', { name: 'Save as a file…' })).toBeTruthy();
    expect(within(result).getByRole('button', { name: 'Save the printable page…' })).toBeTruthy();
  });

  it('has no QR code for a VP-JWT, and says so', async () => {
    await sharePage();
    await selectBoth();
    await fireEvent.click(screen.getByTestId('format-jwt'));
    const result = await previewAndCreate();
    expect(within(result).getByTestId('share-qr-none').textContent).toContain('A JWT presentation has no QR code');
    expect(within(result).queryByTestId('share-save-qr-png')).toBeNull();
  });

  it('hides a preview once the selection changes', async () => {
    await sharePage();
    await selectBoth();
    await fireEvent.click(screen.getByTestId('share-preview'));
    await screen.findByTestId('share-preview-section');
    await fireEvent.click(screen.getAllByTestId('share-credential')[0]!);
    expect(screen.queryByTestId('share-preview-section')).toBeNull();
  });

  it('speaks Québec French through the whole journey', async () => {
    i18n.apply('fr');
    await sharePage((f) => {
      f.qr.fits = false;
      f.today.c2 = { verdict: 'invalid', fullyVerified: false, reason: 'dates: expired' };
    });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Partager');
    expect(screen.getByLabelText('Chercher dans votre portfolio')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Attestations à présenter' })).toBeTruthy();
    expect(screen.getByLabelText('Défi (facultatif)')).toBeTruthy();
    expect(screen.getByLabelText('Présenter en tant que')).toBeTruthy();
    await selectBoth();
    expect(screen.getByTestId('share-selected-count').textContent).toBe('2 attestations sélectionnées');
    await fireEvent.click(screen.getByRole('button', { name: 'Voir ce qui sera partagé' }));
    const preview = await screen.findByTestId('share-preview-section');
    expect(within(preview).getByRole('heading', { name: 'Ce que l’employeur verra' })).toBeTruthy();
    expect(within(preview).getAllByTestId('preview-identity').map((n) => n.textContent)).toEqual([
      '— nom déclaré, clé seulement',
      '— csfoy.ca, confirmé',
    ]);
    expect(within(preview).getAllByTestId('preview-verdict').map((n) => n.textContent)).toEqual(['Vérifié', 'Non valide']);
    await fireEvent.click(screen.getByRole('checkbox', { name: /Inclure quand même/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Créer la présentation' }));
    const result = await screen.findByTestId('share-result');
    expect(within(result).getByRole('heading', { name: 'Votre présentation est prête' })).toBeTruthy();
    expect(within(result).getByTestId('share-qr-too-large').textContent).toMatch(
      /2 attestations avec images : 8\s539 octets, un code QR en contient au plus 2\s953\./,
    );
    expect(within(result).getByRole('button', { name: 'Enregistrer la page imprimable…' })).toBeTruthy();
    await fireEvent.input(within(result).getByLabelText('Ou tapez le chemin complet d’un nouveau fichier'), {
      target: { value: 'vp.json' },
    });
    await fireEvent.click(within(result).getByRole('button', { name: 'Y enregistrer la présentation' }));
    expect((await within(result).findByRole('alert')).textContent).toContain('Tapez le chemin complet du fichier');
    expect(screen.getByTestId('share-history-empty').textContent).toBe('Rien de partagé pour l’instant.');
  });
});

describe('Checking a presentation someone gave you (J6)', () => {
  it('shows each credential’s result in plain words and imports nothing', async () => {
    const fake = await sharePage();
    const before = fake.credentials.length;
    await fireEvent.input(screen.getByLabelText('Full path of the file'), { target: { value: '/home/learner/recu.json' } });
    await fireEvent.input(screen.getByTestId('open-challenge'), { target: { value: 'C-1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const list = await screen.findByTestId('open-reports');
    await waitFor(() => expect(document.activeElement?.id).toBe('open-results-title'));
    expect(fake.calls).toContain('openPresentation:/home/learner/recu.json:C-1:null');
    const reports = within(list).getAllByTestId('open-report');
    expect(reports.map((r) => r.getAttribute('data-kind'))).toEqual(['presentation', 'credential', 'credential']);
    expect(within(list).getAllByTestId('open-verdict').map((v) => v.textContent)).toEqual(['Verified', 'Verified', 'Not valid']);
    expect(reports[0]!.textContent).toContain('Presentation');
    expect(reports[1]!.textContent).toContain('csfoy.ca, confirmed');
    const dates = reports[2]!.querySelector('[data-check="dates"]')!;
    expect(dates.textContent).toContain('Validity dates');
    expect(dates.textContent).toContain('Failed');
    expect(dates.textContent).toContain('expired');
    expect(fake.credentials.length).toBe(before);
    i18n.apply('fr');
    await waitFor(() =>
      expect(within(list).getAllByTestId('open-verdict').map((v) => v.textContent)).toEqual(['Vérifié', 'Vérifié', 'Non valide']),
    );
    expect(dates.textContent).toContain('Dates de validité');
  });
});
