// The offer screen over the in-memory Platform: a link pasted on the Import page or handed over by the OS (after
// unlock when locked) → consent (who offers what, to which profile) → the transaction code → Accept, or Decline with
// nothing sent; each offer error in plain words; the "issuers on this computer" setting shown while on. En and fr.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { i18n } from '../lib/i18n/index.svelte';
import { en } from '../lib/i18n/en';
import { fakePlatform } from '../test/fakePlatform';

const LINK = 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2Femetteur.cegep.example%2Foffers%2F1';

beforeEach(() => {
  localStorage.clear();
  location.hash = '';
  i18n.apply('en');
});
afterEach(() => {
  document.body.innerHTML = '';
});

async function app(setup: (fake: ReturnType<typeof fakePlatform>) => void | Promise<void> = () => {}) {
  const fake = fakePlatform({ state: 'unlocked' });
  await fake.platform.createProfile('Personal');
  await setup(fake);
  render(App, { props: { platform: fake.platform, version: '0.1.0' } });
  return fake;
}

/** Pastes the link on the Import page and waits for the consent screen. */
async function openFromImport(link = LINK) {
  await screen.findByRole('navigation', { name: 'Main navigation' });
  await fireEvent.click(screen.getByRole('link', { name: i18n.t.nav.import }));
  await fireEvent.input(screen.getByLabelText(i18n.t.import.offerLabel), { target: { value: ` ${link} ` } });
  await fireEvent.click(screen.getByTestId('import-offer-go'));
  return await screen.findByTestId('offer');
}

const consent = async () => {
  await waitFor(() => expect(screen.getByTestId('offer').getAttribute('data-phase')).toBe('consent'));
  return screen.getByTestId('offer');
};
const acceptButton = () => screen.getByTestId('offer-accept') as HTMLButtonElement;

describe('offer screen', () => {
  it('shows who offers what and which profile receives it, before anything is sent', async () => {
    const fake = await app();
    await openFromImport();
    const offer = await consent();
    expect(document.querySelector('main')?.getAttribute('data-view')).toBe('offer');
    expect(within(offer).getByRole('heading', { level: 1 }).textContent?.trim()).toBe('An issuer offers you credentials');
    expect(within(offer).getByTestId('offer-issuer').textContent).toBe('Cégep de Sainte-Foy');
    expect(within(offer).getByTestId('offer-domain').textContent).toContain('emetteur.cegep.example');
    expect(within(offer).getAllByTestId('offer-credential').map((c) => c.textContent?.trim())).toEqual([
      'Techniques de soins infirmiers — Diplôme d’études collégiales',
    ]);
    expect(within(offer).getByTestId('offer-skipped').textContent).toContain('Carte étudiante');
    expect((screen.getByLabelText('Profile that receives them') as HTMLSelectElement).value).toBe(fake.profiles[0]!.id);
    expect(within(offer).getByTestId('offer-profile-did').textContent).toBe(fake.profiles[0]!.didKey);
    // The link was read (trimmed) in the learner's language; nothing was accepted.
    expect(fake.calls).toContain(`inspectOffer:${LINK}:en`);
    expect(fake.calls.some((c) => c.startsWith('acceptOffer'))).toBe(false);
    // Keyboard users land on the heading.
    await waitFor(() => expect(document.activeElement?.id).toBe('offer-title'));
  });

  it('declining sends nothing and goes back', async () => {
    const fake = await app();
    await openFromImport();
    await consent();
    await fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(screen.queryByTestId('offer')).toBeNull());
    expect(document.querySelector('main')?.getAttribute('data-view')).toBe('import');
    expect(fake.calls).toContain('declineOffer:offer-1');
    expect(fake.calls.some((c) => c.startsWith('acceptOffer'))).toBe(false);
    expect(fake.credentials).toHaveLength(0);
  });

  it('asks the transaction code as the issuer describes it, says when it is wrong, then receives', async () => {
    const fake = await app();
    await openFromImport();
    await consent();
    const code = screen.getByLabelText('Transaction code') as HTMLInputElement;
    expect(code.getAttribute('inputmode')).toBe('numeric');
    expect(code.getAttribute('maxlength')).toBe('6');
    expect(screen.getByTestId('offer-tx-help').textContent).toContain('Le code reçu par courriel');
    expect(screen.getByTestId('offer-tx-help').textContent).toContain('It has 6 digits.');
    // Not before the code has the announced form.
    expect(acceptButton().disabled).toBe(true);
    await fireEvent.input(code, { target: { value: '12ab56' } });
    expect(acceptButton().disabled).toBe(true);
    await fireEvent.input(code, { target: { value: '111111' } });
    expect(acceptButton().disabled).toBe(false);
    await fireEvent.click(acceptButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The issuer says the transaction code is wrong. Check it and try again.');
    expect(fake.credentials).toHaveLength(0);
    // Try again with the right one.
    await fireEvent.input(code, { target: { value: '493817' } });
    await fireEvent.click(acceptButton());
    expect((await screen.findByTestId('offer-received')).textContent).toBe(
      '1 credential from Cégep de Sainte-Foy is now in your portfolio.',
    );
    expect(fake.calls).toContain(`acceptOffer:offer-1:${fake.profiles[0]!.id}:493817`);
    await fireEvent.click(screen.getByRole('button', { name: 'See it in your portfolio' }));
    await waitFor(() => expect(screen.getAllByTestId('credential-card')).toHaveLength(1));
    expect(screen.getByTestId('credential-card').textContent).toContain('Techniques de soins infirmiers');
  });

  it('receives for the profile the learner chooses', async () => {
    const fake = await app(async (f) => {
      await f.platform.createProfile('Travail');
      f.issuer.txCode = null;
    });
    await openFromImport();
    await consent();
    expect(screen.queryByLabelText('Transaction code')).toBeNull();
    await fireEvent.change(screen.getByLabelText('Profile that receives them'), { target: { value: fake.profiles[1]!.id } });
    expect(screen.getByTestId('offer-profile-did').textContent).toBe(fake.profiles[1]!.didKey);
    await fireEvent.click(acceptButton());
    await screen.findByTestId('offer-received');
    expect(fake.calls).toContain(`acceptOffer:offer-1:${fake.profiles[1]!.id}:null`);
  });

  const acceptErrors = [
    'offer.code_used_or_expired',
    'offer.stale_nonce',
    'offer.unreachable',
    'offer.metadata_mismatch',
    'offer.unsupported_format',
    'offer.not_bound',
    'offer.does_not_verify',
    'offer.token_refused',
  ];
  for (const kind of acceptErrors) {
    it(`says ${kind} in plain words and stores nothing`, async () => {
      const fake = await app((f) => {
        f.issuer.txCode = null;
        f.issuer.acceptError = kind;
      });
      await openFromImport();
      await consent();
      await fireEvent.click(acceptButton());
      const alert = await screen.findByRole('alert');
      expect(alert.getAttribute('data-kind')).toBe(kind);
      expect(alert.textContent).toContain(en.errors.kinds[kind]);
      expect(fake.credentials).toHaveLength(0);
      // Trying again only where it may help (the issuer back on line, a fresh nonce); otherwise only Close.
      const retry = kind === 'offer.unreachable' || kind === 'offer.stale_nonce';
      expect(screen.queryByTestId('offer-accept') !== null).toBe(retry);
    });
  }

  it('says why an offer cannot be read, and that nothing changed', async () => {
    const fake = await app((f) => {
      f.issuer.inspectError = 'offer.local_issuer_not_allowed';
    });
    await openFromImport('openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A8787%2Foffers%2F1');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('allow issuers on this computer (for testing) in Settings');
    expect(screen.getByText('Nothing was sent and nothing changed in your wallet.')).toBeTruthy();
    expect(screen.queryByTestId('offer-accept')).toBeNull();
    await fireEvent.click(screen.getByTestId('offer-close'));
    await waitFor(() => expect(screen.queryByTestId('offer')).toBeNull());
    expect(fake.calls.some((c) => c.startsWith('acceptOffer'))).toBe(false);
  });
});

describe('offer links from the OS', () => {
  it('opens the offer screen when a link arrives while Carnet runs', async () => {
    const fake = await app();
    await screen.findByRole('navigation', { name: 'Main navigation' });
    await waitFor(() => expect(fake.calls).toContain('takeOfferLink'));
    fake.deliverLink({ ok: true, value: LINK });
    await consent();
    expect(fake.calls).toContain(`inspectOffer:${LINK}:en`);
  });

  it('waits for the unlock when the wallet is locked', async () => {
    const fake = await app(async (f) => {
      await f.platform.lockWallet();
      f.issuer.links.push({ ok: true, value: LINK });
    });
    await screen.findByRole('heading', { name: 'Your wallet is locked' });
    expect(fake.calls.some((c) => c.startsWith('inspectOffer'))).toBe(false);
    expect(fake.calls).not.toContain('takeOfferLink');
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    await fireEvent.click(screen.getByTestId('unlock'));
    await consent();
    expect(fake.calls).toContain(`inspectOffer:${LINK}:en`);
  });

  it('closes the offer screen when the wallet locks (the shell forgets the offer)', async () => {
    const fake = await app();
    await openFromImport();
    await consent();
    await fireEvent.click(screen.getByTestId('lock'));
    await screen.findByRole('heading', { name: 'Your wallet is locked' });
    await fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    await fireEvent.click(screen.getByTestId('unlock'));
    await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(screen.queryByTestId('offer')).toBeNull();
    expect(fake.calls.filter((c) => c.startsWith('inspectOffer'))).toHaveLength(1);
  });

  it('shows a refused link as a clear error', async () => {
    const fake = await app((f) => {
      f.issuer.links.push({ ok: false, error: { kind: 'offer.too_large', message: 'the link is larger than Carnet reads' } });
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This offer link is too large to be read. Nothing was changed.');
    expect(fake.calls.some((c) => c.startsWith('inspectOffer'))).toBe(false);
  });
});

describe('issuers on this computer', () => {
  it('is off by default, and shown in Settings and on the offer screen while on', async () => {
    const fake = await app();
    await screen.findByRole('navigation', { name: 'Main navigation' });
    await fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const box = (await screen.findByLabelText('Allow issuers on this computer (for testing)')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    expect(screen.queryByTestId('local-issuers-on')).toBeNull();
    await fireEvent.click(box);
    await waitFor(() => expect(screen.getByTestId('local-issuers-on')).toBeTruthy());
    expect(fake.calls).toContain('setAllowLocalIssuers:true');
    await openFromImport();
    await consent();
    expect(within(screen.getByTestId('offer')).getByTestId('local-issuers-on').textContent).toContain(
      'Issuers on this computer are allowed (for testing).',
    );
  });
});

describe('in French', () => {
  it('asks consent in Québec French', async () => {
    i18n.apply('fr');
    const fake = await app();
    await screen.findByRole('navigation', { name: 'Navigation principale' });
    await fireEvent.click(screen.getByRole('link', { name: 'Importer' }));
    await fireEvent.input(screen.getByLabelText('Lien d’offre de votre établissement ou de l’émetteur'), {
      target: { value: LINK },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Ouvrir l’offre' }));
    await consent();
    expect(fake.calls).toContain(`inspectOffer:${LINK}:fr`);
    expect(screen.getByRole('heading', { level: 1 }).textContent?.trim()).toBe('Un émetteur vous offre des attestations');
    expect(screen.getByLabelText('Code de transaction')).toBeTruthy();
    expect(screen.getByTestId('offer-tx-help').textContent).toContain('Il compte 6 chiffres.');
    await fireEvent.input(screen.getByLabelText('Code de transaction'), { target: { value: '493817' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Accepter' }));
    expect((await screen.findByTestId('offer-received')).textContent).toBe(
      '1 attestation de Cégep de Sainte-Foy est maintenant dans votre portfolio.',
    );
  });
});
