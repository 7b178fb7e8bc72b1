// Hash routes map to views, and anything unknown lands on the portfolio.

import { describe, expect, it } from 'vitest';
import { VIEWS, hashFor, viewFromHash } from './nav';

describe('navigation routes', () => {
  it('round-trip every view', () => {
    for (const v of VIEWS) expect(viewFromHash(hashFor(v))).toBe(v);
  });
  it('fall back to the portfolio', () => {
    expect(viewFromHash('')).toBe('portfolio');
    expect(viewFromHash('#/nowhere')).toBe('portfolio');
    expect(viewFromHash('#/__proto__')).toBe('portfolio');
  });
});
