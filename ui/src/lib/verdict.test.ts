// A check's reason in the learner's language when its code is known, the engine's English text (marked) otherwise.

import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from './i18n/index.svelte';
import { reasonText } from './verdict';

describe('reasonText', () => {
  afterEach(() => i18n.apply('en'));

  it('says a coded reason in French, dates in words', () => {
    i18n.apply('fr');
    expect(reasonText({ reason: 'revoked by its issuer', code: 'status.revoked', args: [''] })).toEqual({
      text: 'révoquée par son émetteur',
      english: false,
    });
    expect(reasonText({ reason: 'x', code: 'dates.expired', args: ['2024-06-30T00:00:00Z'] }).text).toBe(
      'expirée depuis le 30 juin 2024',
    );
    expect(reasonText({ reason: 'x', code: 'status.clear', args: ['revocation', '2026-11-29T13:52:03Z'] }).text).toBe(
      'absente de la liste de révocation de l’émetteur (liste obtenue le 29 novembre 2026)',
    );
  });

  it('says the same reason in English from its code', () => {
    i18n.apply('en');
    expect(reasonText({ reason: 'x', code: 'format.ob', args: ['3.0.3'] }).text).toBe('an Open Badges 3.0.3 credential');
  });

  it('falls back to the engine’s English text, flagged, for a reason without a known code', () => {
    i18n.apply('fr');
    for (const code of [null, 'status.unheard_of', 'nothing', 'toString.call', 'reasons.__proto__']) {
      expect(reasonText({ reason: 'the status list could not be read', code, args: [] })).toEqual({
        text: 'the status list could not be read',
        english: true,
      });
    }
  });
});
