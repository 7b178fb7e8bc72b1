// The app's views, in navigation order, and the hash routes that select them.

export const VIEWS = [
  'portfolio',
  'timeline',
  'skills',
  'issuers',
  'collections',
  'quarantine',
  'import',
  'share',
  'profiles',
  'settings',
] as const;
export type View = (typeof VIEWS)[number];

export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'portfolio';
}

export function hashFor(view: View): string {
  return `#/${view}`;
}
