// Small facts about a portfolio entry shared by the views: expired or not, its year, its first failing reason.

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
