// The words for a verification result, as the Portfolio says them — shared by every view that shows one (the
// Portfolio, the Share page's preview, a presentation opened for checking), so a result always reads the same.

import { i18n } from './i18n/index.svelte';
import { formatDate } from './format';
import type { IssuerIdentity } from './ipc';

type Verdicts = typeof i18n.t.portfolio.verdicts;

/** "Verified" only when every check that applies ran; valid with a check that could not run says so. */
export function verdictLabel(verdict: string | null | undefined, partlyChecked: boolean): string {
  if (verdict === 'valid' && partlyChecked) return i18n.t.portfolio.verdicts.validPartial;
  if (!verdict) return '';
  return i18n.t.portfolio.verdicts[verdict as keyof Verdicts] ?? verdict;
}

/** Who vouches for the issuer's self-written name: a confirmed web domain, or only a key. */
export function identityLabel(id: IssuerIdentity | null | undefined): string {
  if (!id) return '';
  switch (id.kind) {
    case 'domain':
      return id.confirmed
        ? i18n.t.portfolio.identity.domainConfirmed(id.domain)
        : i18n.t.portfolio.identity.domainUnconfirmed(id.domain);
    case 'keyOnly':
      return i18n.t.portfolio.identity.keyOnly;
    default:
      return i18n.t.portfolio.identity.unverified;
  }
}

/** A check's name in plain words. */
export function checkLabel(id: string): string {
  return i18n.t.portfolio.checks[id as keyof typeof i18n.t.portfolio.checks] ?? id;
}

/** A check's outcome: a skipped check that applies (a warning) "could not be checked". */
export function outcomeLabel(c: { outcome: string; warning: boolean }): string {
  return c.outcome === 'skipped' && c.warning
    ? i18n.t.portfolio.outcomes.unchecked
    : (i18n.t.portfolio.outcomes[c.outcome as keyof typeof i18n.t.portfolio.outcomes] ?? c.outcome);
}

type Reason = string | ((args: string[], date: (iso: string) => string) => string);

/** A check's reason in the learner's language when its code is known here; otherwise the engine's English text,
 *  flagged so the page can mark it `lang="en"`. */
export function reasonText(c: { reason?: string | null; code?: string | null; args?: string[] }): {
  text: string;
  english: boolean;
} {
  const [group, name] = (c.code ?? '').split('.');
  const groups = i18n.t.reasons as unknown as Record<string, Record<string, Reason> | undefined>;
  const entry = group && name && Object.hasOwn(groups, group) ? groups[group] : undefined;
  const message = entry && name && Object.hasOwn(entry, name) ? entry[name] : undefined;
  if (message !== undefined) {
    const text = typeof message === 'string' ? message : message(c.args ?? [], (iso) => formatDate(iso, i18n.locale));
    return { text, english: false };
  }
  return { text: c.reason ?? '', english: true };
}
