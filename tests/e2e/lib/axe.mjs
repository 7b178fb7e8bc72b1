// axe-core in the real window: injects the audit (from ui's dev dependency) and returns the serious and critical
// violations on the page as it stands, one line each.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './app.mjs';

const SOURCE = readFileSync(join(ROOT, 'ui/node_modules/axe-core/axe.min.js'), 'utf8');

export async function seriousViolations(browser) {
  const present = await browser.execute(() => typeof window.axe === 'object');
  if (!present) await browser.execute(`${SOURCE}\n;window.axe = axe; return true;`);
  const found = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) =>
        done(
          r.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        ),
      )
      .catch((e) => done([`axe failed: ${e}`]));
  });
  return found;
}
