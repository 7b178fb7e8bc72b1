// Every credential's list entry by id, for the overviews that name credentials by id (skills, issuers).

import type { Platform, PortfolioEntry } from './ipc';

export async function entriesById(platform: Platform): Promise<Map<string, PortfolioEntry>> {
  const outcome = await platform.portfolio({ search: null, includeQuarantined: true, offset: 0, limit: 0 });
  return new Map(outcome.ok ? outcome.value.entries.map((e) => [e.id, e]) : []);
}
