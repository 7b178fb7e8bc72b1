// The learner's preferences (language, theme, offline mode), kept encrypted in the wallet's settings — not in the
// web view's storage. Before unlocking, the window follows the system; once unlocked, the wallet's choices apply.

import { i18n } from './i18n/index.svelte';
import type { Lang } from './i18n/language';
import type { Platform, Settings } from './ipc';

let current = $state<Settings | null>(null);

export type Theme = 'light' | 'dark' | null;

/** Sets (or, for `null`, removes) the theme the CSS follows; without one, the system's scheme applies. */
export function applyTheme(theme: string | null | undefined) {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
  else delete root.dataset.theme;
}

export const preferences = {
  /** The wallet's settings, or null while it is locked. */
  get value(): Settings | null {
    return current;
  },
  /** Reads the wallet's settings (after unlock) and applies language and theme. */
  async load(platform: Platform) {
    const outcome = await platform.settings();
    if (!outcome.ok) return;
    current = outcome.value;
    // No choice kept yet: the language in use stays (the system's, or what the learner picked before unlocking).
    if (current.language) i18n.follow(current.language);
    applyTheme(current.theme);
  },
  /** Locked: back to the system's language and theme. */
  forget() {
    if (current === null) return;
    current = null;
    i18n.follow(null);
    applyTheme(null);
  },
  /** Changes some settings and keeps them in the wallet; returns false when that failed. */
  async update(platform: Platform, change: Partial<Settings>): Promise<boolean> {
    if (!current) return false;
    const outcome = await platform.setSettings({ ...current, ...change });
    if (!outcome.ok) return false;
    current = outcome.value;
    applyTheme(current.theme);
    return true;
  },
  /** The learner picks a language: applied now, and kept in the wallet when it is unlocked. */
  async chooseLanguage(platform: Platform, lang: Lang) {
    i18n.apply(lang);
    await this.update(platform, { language: lang });
  },
};
