// Start-up language: explicit choice, then the system's locales, then English.

import { describe, expect, it } from 'vitest';
import { formatLocale, pickLanguage } from './language';

describe('pickLanguage', () => {
  it('follows a French system locale in its common spellings', () => {
    for (const locale of ['fr-CA', 'fr_CA.UTF-8', 'fr', 'FR-fr', 'fr_BE@euro']) {
      expect(pickLanguage(null, [locale]), locale).toBe('fr');
    }
  });
  it('uses English for English and for languages Carnet does not speak', () => {
    expect(pickLanguage(null, ['en-CA'])).toBe('en');
    expect(pickLanguage(null, ['de-DE'])).toBe('en');
    expect(pickLanguage(null, [])).toBe('en');
    expect(pickLanguage(null, [null, undefined, 'C', 'POSIX'])).toBe('en');
  });
  it('takes the first locale it knows', () => {
    expect(pickLanguage(null, [null, 'es-MX', 'fr-FR', 'en-US'])).toBe('fr');
  });
  it('prefers what the learner chose', () => {
    expect(pickLanguage('en', ['fr-CA'])).toBe('en');
    expect(pickLanguage('fr', ['en-US'])).toBe('fr');
  });
  it('ignores a stored value that is not a language', () => {
    expect(pickLanguage('klingon', ['fr-CA'])).toBe('fr');
    expect(pickLanguage(42, [])).toBe('en');
  });
  it('formats with Canadian conventions', () => {
    expect(formatLocale('fr')).toBe('fr-CA');
    expect(formatLocale('en')).toBe('en-CA');
  });
});
