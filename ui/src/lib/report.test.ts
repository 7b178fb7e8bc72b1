// The import report lists every row that needs attention and only the first trouble-free ones.

import { describe, expect, it } from 'vitest';
import { listedRows, troubleFree } from './report';

const row = (outcome: string, quarantined = false, n = 0) => ({ outcome, quarantined, n });

describe('import report rows', () => {
  it('keeps every problem, in order, and the first trouble-free rows up to the limit', () => {
    const rows = [
      ...Array.from({ length: 5 }, (_, n) => row('imported', false, n)),
      row('invalid', false, 5),
      ...Array.from({ length: 5 }, (_, n) => row('duplicate', false, 6 + n)),
      row('imported', true, 11),
      row('error', false, 12),
    ];
    const { listed, hidden } = listedRows(rows, 3);
    expect(listed.map((r) => r.n)).toEqual([0, 1, 2, 5, 11, 12]);
    expect(hidden).toBe(7);
  });

  it('hides nothing under the limit', () => {
    const rows = [row('imported'), row('invalid'), row('superseded')];
    expect(listedRows(rows)).toEqual({ listed: rows, hidden: 0 });
  });

  it('counts a credential kept in quarantine as needing attention', () => {
    expect(troubleFree(row('imported', true))).toBe(false);
    expect(troubleFree(row('indeterminate'))).toBe(false);
    expect(troubleFree(row('superseded'))).toBe(true);
  });
});
