// The French and English catalogues are complete and parallel, and translate every error code Rust can send.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';

type Tree = { [key: string]: unknown };

function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object') {
      for (const [k, v] of leaves(value as Tree, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

function rustFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith('.rs') ? [path] : [];
  });
}

const enLeaves = leaves(en);
const frLeaves = leaves(fr as unknown as Tree);

describe('message catalogues', () => {
  it('have exactly the same keys', () => {
    expect([...frLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
  });

  it('have no empty message and the same kind of value for each key', () => {
    for (const [key, value] of enLeaves) {
      const other = frLeaves.get(key);
      expect(typeof other, key).toBe(typeof value);
      if (typeof value === 'string') {
        expect(value.trim(), `en ${key}`).not.toBe('');
        expect((other as string).trim(), `fr ${key}`).not.toBe('');
      }
      if (typeof value === 'function') {
        expect((other as (...a: unknown[]) => string).length, key).toBe(value.length);
      }
    }
  });

  it('differ where they should: French is not English copied', () => {
    const same = [...enLeaves].filter(
      ([key, value]) => typeof value === 'string' && frLeaves.get(key) === value,
    );
    // Words that are the same in both languages (Portfolio, Version, Carnet, Format) are few.
    expect(same.map(([k]) => k).sort()).toEqual(
      [
        'app.name',
        'achievementTypes.Badge',
        'achievementTypes.Certification',
        'nav.portfolio',
        'nav.collections',
        'collections.title',
        'details.collections',
        'portfolio.title',
        'portfolio.selection.collection',
        'share.collectionLabel',
        'settings.version',
        'share.formatLegend',
        'share.historyColumns.at',
        'share.historyColumns.format',
      ].sort(),
    );
  });

  it('use Québec terms', () => {
    const all = [...frLeaves.values()].filter((v) => typeof v === 'string').join(' ');
    expect(all).toContain('attestation');
    expect(all).toContain('Réglages');
    expect(all).not.toMatch(/\bParamètres\b|\bcertificat numérique\b/);
  });

  it('translate every error code the Rust side can return', () => {
    const root = resolve(process.cwd(), '..'); // vitest runs in ui/
    const sources = [...rustFiles(join(root, 'wallet-core/src')), ...rustFiles(join(root, 'src-tauri/src'))];
    const codes = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/"((?:data_dir|wallet|app|store|vault|profile|credential|backup|import|verify|net|present|qr|share|file|offer)\.[a-z_]+)"/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(5);
    for (const code of codes) {
      expect(en.errors.kinds[code], `en: ${code}`).toBeTruthy();
      expect(fr.errors.kinds[code], `fr: ${code}`).toBeTruthy();
    }
  });

  it('say every coded check reason the engine gives', () => {
    const root = resolve(process.cwd(), '..');
    const codes = new Set<string>();
    for (const file of rustFiles(join(root, 'wallet-core/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.coded\(\s*"([a-z_]+\.[a-z_0-9]+)"/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/\("(status\.[a-z_]+)", vec!/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(15);
    const has = (catalog: typeof en, code: string) => {
      const [group, name] = code.split('.') as [string, string];
      const g = (catalog.reasons as unknown as Record<string, Record<string, unknown>>)[group];
      return g !== undefined && Object.hasOwn(g, name);
    };
    for (const code of codes) {
      expect(has(en, code), `en: ${code}`).toBe(true);
      expect(has(fr, code), `fr: ${code}`).toBe(true);
    }
  });
});
