// The reactive current language and its catalogue; components read `i18n.t` and re-render on change.

import { en, type Messages } from './en';
import { fr } from './fr';
import { formatLocale, pickLanguage, type Lang } from './language';

export type { Lang, Messages };
export const catalogs: Record<Lang, Messages> = { en, fr };
export const STORAGE_KEY = 'carnet.language';

let current = $state<Lang>('en');

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export const i18n = {
  get lang(): Lang {
    return current;
  },
  get t(): Messages {
    return catalogs[current];
  },
  get locale(): string {
    return formatLocale(current);
  },
  /** Sets the language for this session without remembering it (used at start-up). */
  apply(lang: Lang) {
    current = lang;
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
  },
  /** The learner's explicit choice: applied and remembered. */
  choose(lang: Lang) {
    this.apply(lang);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lang);
    } catch {
      // Storage unavailable: the choice lasts for this session only.
    }
  },
  /** Chooses the start-up language from the stored choice and the system's locales. */
  init(osLocale: string | null | undefined) {
    const browser = typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [];
    this.apply(pickLanguage(readStored(), [osLocale, ...browser]));
  },
};

/** Translates an error `kind` from the engine, falling back to a generic message. */
export function errorText(kind: string): string {
  return i18n.t.errors.kinds[kind] ?? i18n.t.errors.kinds['app.internal'] ?? kind;
}
