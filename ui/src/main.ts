// UI entry point: picks the language, then mounts the app frame.

import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { i18n } from './lib/i18n/index.svelte';
import { tauriPlatform } from './lib/ipc';

async function start(): Promise<void> {
  const info = await tauriPlatform.appInfo();
  i18n.init(info.osLocale);
  const target = document.getElementById('app');
  if (target) mount(App, { target, props: { platform: tauriPlatform, version: info.version } });
}

void start();
