// The reactive current language and its catalogue; components read `i18n.t` and re-render on change.

import { en, type Messages } from './en';
import { fr } from './fr';
import { formatLocale, pickLanguage, type Lang } from './language';

export type { Lang, Messages };
export const catalogs: Record<Lang, Messages> = { en, fr };

let current = $state<Lang>('en');
// The system's language, followed before the wallet is unlocked (the learner's choice lives in the wallet).
let system: Lang = 'en';

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
  /** Sets the language for this session. Remembering a choice is the wallet's settings' job (`preferences`). */
  apply(lang: Lang) {
    current = lang;
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
  },
  /** The learner's choice from the wallet's settings, else the system's language. */
  follow(chosen: string | null | undefined) {
    this.apply(pickLanguage(chosen, [system]));
  },
  /** Start-up: the system's language (nothing is read from the web view's storage). */
  init(osLocale: string | null | undefined) {
    const browser = typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [];
    system = pickLanguage(null, [osLocale, ...browser]);
    this.apply(system);
  },
};

/** Translates an error `kind` from the engine, falling back to a generic message. */
export function errorText(kind: string): string {
  return i18n.t.errors.kinds[kind] ?? i18n.t.errors.kinds['app.internal'] ?? kind;
}
