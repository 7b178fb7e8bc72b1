// Renders the whole app over a fake Platform, unlocked, on one view (as a learner reaches it from the navigation).

import { fireEvent, render, screen } from '@testing-library/svelte';
import App from '../App.svelte';
import { i18n } from '../lib/i18n/index.svelte';
import { preferences } from '../lib/preferences.svelte';
import { fakePlatform, type FakeOptions } from './fakePlatform';

export function resetApp() {
  preferences.forget();
  localStorage.clear();
  location.hash = '';
  i18n.apply('en');
  document.documentElement.removeAttribute('data-theme');
}

export async function appOn(view: string, opts: FakeOptions = {}, setup: (f: ReturnType<typeof fakePlatform>) => void = () => {}) {
  const fake = fakePlatform({ state: 'unlocked', ...opts });
  setup(fake);
  render(App, { props: { platform: fake.platform, version: '0.1.0' } });
  const nav = await screen.findByRole('navigation', { name: i18n.t.app.mainNav });
  const link = nav.querySelector<HTMLAnchorElement>(`a[data-nav="${view}"]`);
  if (link) await fireEvent.click(link);
  return fake;
}
