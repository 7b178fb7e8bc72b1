// Which rows of an import report are listed: every credential that needs the learner's attention (not added, or
// kept in quarantine), and the first few that went in without trouble — a 10,000-file folder must not put 10,000
// rows in the page; the rest are in the portfolio.

/** At most this many trouble-free rows are listed. */
export const QUIET_ROWS = 200;

type Row = { outcome: string; quarantined: boolean };

/** Added, replaced by a newer version, or already there — and not in quarantine. */
export function troubleFree(row: Row): boolean {
  return ['imported', 'superseded', 'duplicate'].includes(row.outcome) && !row.quarantined;
}

/** The rows to list, in the order they came, and how many trouble-free ones are left out. */
export function listedRows<T extends Row>(rows: T[], limit: number = QUIET_ROWS): { listed: T[]; hidden: number } {
  const listed: T[] = [];
  let quiet = 0;
  for (const row of rows) {
    if (troubleFree(row)) {
      quiet += 1;
      if (quiet > limit) continue;
    }
    listed.push(row);
  }
  return { listed, hidden: Math.max(0, quiet - limit) };
}
