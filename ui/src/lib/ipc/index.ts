// The UI's only door to the desktop shell: a small Platform interface over the generated bindings.
// Components receive a Platform through Svelte context, so they can be tested without Tauri.

import { getContext, setContext } from 'svelte';
import { commands, type AppInfo, type CommandError, type WalletInfo } from './bindings';

export type { AppInfo, CommandError, WalletInfo };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CommandError };

export interface Platform {
  appInfo(): Promise<AppInfo>;
  walletInfo(): Promise<Outcome<WalletInfo>>;
}

function unavailable(err: unknown): CommandError {
  return { kind: 'app.unavailable', message: String(err) };
}

/** The real platform: calls Carnet's Rust commands through Tauri IPC. */
export const tauriPlatform: Platform = {
  async appInfo() {
    try {
      return await commands.appInfo();
    } catch {
      return { version: '?', osLocale: null };
    }
  },
  async walletInfo() {
    try {
      const r = await commands.walletInfo();
      return r.status === 'ok' ? { ok: true, value: r.data } : { ok: false, error: r.error };
    } catch (err) {
      return { ok: false, error: unavailable(err) };
    }
  },
};

const KEY = Symbol('carnet.platform');

export function providePlatform(platform: Platform): void {
  setContext(KEY, platform);
}

export function usePlatform(): Platform {
  return getContext<Platform | undefined>(KEY) ?? tauriPlatform;
}
