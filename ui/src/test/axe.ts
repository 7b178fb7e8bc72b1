// Runs axe-core over what a component test rendered and fails on any serious or critical violation.

import axe from 'axe-core';
import { expect } from 'vitest';

export async function expectAccessible(root: Element = document.body): Promise<void> {
  const results = await axe.run(root, {
    // jsdom lays nothing out: contrast cannot be measured here (the real window's audit covers it).
    rules: { 'color-contrast': { enabled: false } },
    resultTypes: ['violations'],
  });
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}
