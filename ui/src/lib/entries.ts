// Small facts about a portfolio entry shared by the views: expired or not, its year, its first failing reason.

import { i18n } from './i18n/index.svelte';
import type { Check, PortfolioEntry } from './ipc';

/** Past its `validUntil` (as of `now`). */
export function isExpired(e: Pick<PortfolioEntry, 'validUntil'>, now: Date = new Date()): boolean {
  if (!e.validUntil) return false;
  const until = new Date(e.validUntil);
  return !Number.isNaN(until.getTime()) && until.getTime() < now.getTime();
}

/** Why a credential did not verify: the first failed check, else the first that could not run. */
export function firstProblem(checks: Check[]): Check | null {
  return checks.find((c) => c.outcome === 'failed') ?? checks.find((c) => c.outcome === 'skipped' && c.warning) ?? null;
}

/** An Open Badges achievement type in words ("Course" → « Cours »); an extension ("ext:LicensedNurse") or an
 *  unknown type as written, its words spaced out. */
export function achievementTypeLabel(type: string): string {
  const names = i18n.t.achievementTypes;
  if (Object.hasOwn(names, type) && names[type]) return names[type];
  return type.replace(/^ext:/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
}
