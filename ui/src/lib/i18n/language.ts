// Picks the interface language: the learner's explicit choice first, then the system's locale, else English.

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}

/**
 * @param stored   what the learner chose earlier (may be anything read back from storage)
 * @param locales  the system's preferred locales, most preferred first (OS locale, then the web view's)
 */
export function pickLanguage(stored: unknown, locales: readonly (string | null | undefined)[]): Lang {
  if (isLang(stored)) return stored;
  for (const locale of locales) {
    if (!locale) continue;
    const primary = locale.toLowerCase().split(/[-_.@]/)[0];
    if (primary === 'fr') return 'fr';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** The BCP 47 locale used to format numbers and dates in each language (Canadian conventions). */
export function formatLocale(lang: Lang): string {
  return lang === 'fr' ? 'fr-CA' : 'en-CA';
}
