// Sizes and dates read naturally in both languages.

import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime } from './format';

describe('formatBytes', () => {
  it('uses bytes below a kilobyte', () => {
    expect(formatBytes(181, 'en-CA')).toBe('181\u00a0B');
    expect(formatBytes(181, 'fr-CA')).toBe('181\u00a0o');
  });
  it('scales and localises the decimal separator', () => {
    expect(formatBytes(1_500_000, 'en-CA')).toBe('1.5\u00a0MB');
    expect(formatBytes(1_500_000, 'fr-CA')).toBe('1,5\u00a0Mo');
  });
});

describe('formatDateTime', () => {
  it('leaves an unreadable date as it is', () => {
    expect(formatDateTime('not a date', 'en-CA')).toBe('not a date');
  });
  it('writes month names in the chosen language', () => {
    expect(formatDateTime('2026-11-27T12:00:00Z', 'fr-CA')).toContain('novembre');
    expect(formatDateTime('2026-11-27T12:00:00Z', 'en-CA')).toContain('November');
  });
});
