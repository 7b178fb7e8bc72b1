// The safe Markdown reader: structure comes through, HTML never does, links show their target.

import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('safe Markdown', () => {
  it('reads headings, paragraphs, lists, emphasis and code', () => {
    const blocks = parseMarkdown('# Critères\n\nRéussir **trois** stages\n\n- un *stage*\n- `deux`\n\n1. a\n2. b\n\n```\nx < y\n```');
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code']);
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      content: [{ kind: 'text', text: 'Réussir ' }, { kind: 'strong', children: [{ kind: 'text', text: 'trois' }] }, { kind: 'text', text: ' stages' }],
    });
    expect(blocks[3]).toMatchObject({ kind: 'list', ordered: true });
    expect(blocks[4]).toEqual({ kind: 'code', text: 'x < y' });
  });
  it('keeps HTML as text', () => {
    const [p] = parseMarkdown('<script>alert(1)</script><img src=x onerror=alert(2)>');
    expect(p).toEqual({ kind: 'paragraph', content: [{ kind: 'text', text: '<script>alert(1)</script><img src=x onerror=alert(2)>' }] });
  });
  it('makes links and images plain links with their target', () => {
    expect(parseInline('voir [le programme](https://csfoy.ca/p) et ![logo](https://evil.example/pixel.png)')).toEqual([
      { kind: 'text', text: 'voir ' },
      { kind: 'link', children: [{ kind: 'text', text: 'le programme' }], href: 'https://csfoy.ca/p' },
      { kind: 'text', text: ' et ' },
      { kind: 'link', children: [{ kind: 'text', text: 'logo' }], href: 'https://evil.example/pixel.png' },
    ]);
  });
  it('bounds nesting and length', () => {
    expect(() => parseMarkdown('*'.repeat(50_000))).not.toThrow();
    expect(() => parseInline('**'.repeat(5_000) + '[a](b)')).not.toThrow();
  });
});
