// A tiny, safe Markdown reader for narratives from credentials (criteria, evidence): paragraphs, headings, lists,
// emphasis, code and links, parsed into plain data that Svelte renders as text. No HTML passes through (it shows as
// text), no image is ever loaded, and a link is never followed: it is shown with its target written out.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; children: Inline[]; href: string };

export type Block =
  | { kind: 'heading'; level: number; content: Inline[] }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string };

/** At most this much text is read (a narrative longer than this is cut, with an ellipsis). */
export const MAX_MARKDOWN = 20_000;

function pushText(out: Inline[], text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Inline Markdown: `code`, **strong**, *em* / _em_, [text](target) and ![alt](src) (an image shows as a link). */
export function parseInline(src: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length && /[\\`*_[\]()!#<>-]/.test(src[i + 1]!)) {
      pushText(out, src[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i) {
        out.push({ kind: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (depth < 4 && (src.startsWith('**', i) || src.startsWith('__', i))) {
      const mark = src.slice(i, i + 2);
      const end = src.indexOf(mark, i + 2);
      if (end > i + 2) {
        out.push({ kind: 'strong', children: parseInline(src.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    }
    if (depth < 4 && (c === '*' || c === '_')) {
      const end = src.indexOf(c, i + 1);
      if (end > i + 1 && src[i + 1] !== ' ') {
        out.push({ kind: 'em', children: parseInline(src.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    const image = c === '!' && src[i + 1] === '[';
    if (c === '[' || image) {
      const open = image ? i + 1 : i;
      const close = src.indexOf('](', open);
      const end = close > open ? src.indexOf(')', close + 2) : -1;
      if (close > open && end > close) {
        const text = src.slice(open + 1, close);
        const href = src.slice(close + 2, end).trim();
        out.push({ kind: 'link', children: depth < 4 ? parseInline(text, depth + 1) : [{ kind: 'text', text }], href });
        i = end + 1;
        continue;
      }
    }
    pushText(out, c);
    i += 1;
  }
  return out;
}

/** Blocks: ATX headings, fenced code, bulleted and numbered lists, paragraphs separated by blank lines. */
export function parseMarkdown(source: string): Block[] {
  const text = source.length > MAX_MARKDOWN ? `${source.slice(0, MAX_MARKDOWN)}…` : source;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: 'paragraph', content: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed.startsWith('```')) {
      flush();
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.trim().startsWith('```')) body.push(lines[i++]!);
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(trimmed);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length, content: parseInline(heading[2]!.replace(/\s+#+$/, '')) });
      continue;
    }
    const item = /^([-*+]|\d+[.)])\s+(.*)$/.exec(trimmed);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]![0]!);
      const last = blocks[blocks.length - 1];
      const content = parseInline(item[2]!);
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(content);
      else blocks.push({ kind: 'list', ordered, items: [content] });
      continue;
    }
    if (!trimmed) {
      flush();
      continue;
    }
    para.push(trimmed);
  }
  flush();
  return blocks;
}
