// The UI's only door to the desktop shell: a small Platform interface over the generated bindings and the
// dialog plugin. Components receive a Platform through Svelte context, so they can be tested without Tauri.

import { getContext, setContext } from 'svelte';
import { open, save } from '@tauri-apps/plugin-dialog';
import {
  commands,
  type AppInfo_Serialize,
  type CommandError,
  type ExportReport,
  type Profile,
  type Protection,
  type RestoreReport,
  type WalletInfo_Serialize,
  type WalletState,
  type WalletStatus_Serialize,
} from './bindings';

// What the shell sends (the `_Serialize` shapes), under plain names.
export type AppInfo = AppInfo_Serialize;
export type WalletInfo = WalletInfo_Serialize;
export type WalletStatus = WalletStatus_Serialize;
export type { CommandError, ExportReport, Profile, Protection, RestoreReport, WalletState };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CommandError };

export interface Platform {
  appInfo(): Promise<AppInfo>;
  walletInfo(): Promise<Outcome<WalletInfo>>;
  walletStatus(): Promise<Outcome<WalletStatus>>;
  initWallet(kind: Protection, passphrase: string | null, profileName: string): Promise<Outcome<Profile>>;
  unlockWallet(passphrase: string | null): Promise<Outcome<WalletInfo>>;
  lockWallet(): Promise<Outcome<WalletInfo>>;
  changeProtection(kind: Protection, passphrase: string | null): Promise<Outcome<WalletInfo>>;
  listProfiles(): Promise<Outcome<Profile[]>>;
  createProfile(name: string): Promise<Outcome<Profile>>;
  renameProfile(id: string, name: string): Promise<Outcome<Profile>>;
  setDefaultProfile(id: string): Promise<Outcome<Profile>>;
  deleteProfile(id: string, confirmed: boolean): Promise<Outcome<string | null>>;
  backupWallet(path: string, passphrase: string): Promise<Outcome<number>>;
  restoreWallet(path: string, passphrase: string): Promise<Outcome<RestoreReport>>;
  exportPlain(folder: string): Promise<Outcome<ExportReport>>;
  /** Native dialogs; `null` when the learner cancels. */
  chooseSaveFile(defaultName: string): Promise<string | null>;
  chooseFile(): Promise<string | null>;
  chooseFolder(): Promise<string | null>;
  copyText(text: string): Promise<boolean>;
}

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: CommandError };

async function call<T>(run: () => Promise<Result<T>>): Promise<Outcome<T>> {
  try {
    const r = await run();
    return r.status === 'ok' ? { ok: true, value: r.data } : { ok: false, error: r.error };
  } catch (err) {
    return { ok: false, error: { kind: 'app.unavailable', message: String(err) } };
  }
}

function single(path: string | string[] | null): string | null {
  return Array.isArray(path) ? (path[0] ?? null) : path;
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
  walletInfo: () => call(() => commands.walletInfo()),
  walletStatus: () => call(() => commands.walletStatus()),
  initWallet: (kind, passphrase, profileName) => call(() => commands.initWallet(kind, passphrase, profileName)),
  unlockWallet: (passphrase) => call(() => commands.unlockWallet(passphrase)),
  lockWallet: () => call(() => commands.lockWallet()),
  changeProtection: (kind, passphrase) => call(() => commands.changeProtection(kind, passphrase)),
  listProfiles: () => call(() => commands.listProfiles()),
  createProfile: (name) => call(() => commands.createProfile(name)),
  renameProfile: (id, name) => call(() => commands.renameProfile(id, name)),
  setDefaultProfile: (id) => call(() => commands.setDefaultProfile(id)),
  deleteProfile: (id, confirmed) => call(() => commands.deleteProfile(id, confirmed)),
  backupWallet: (path, passphrase) => call(() => commands.backupWallet(path, passphrase)),
  restoreWallet: (path, passphrase) => call(() => commands.restoreWallet(path, passphrase)),
  exportPlain: (folder) => call(() => commands.exportPlain(folder)),
  async chooseSaveFile(defaultName) {
    return await save({ defaultPath: defaultName, filters: [{ name: 'Carnet backup', extensions: ['carnet-backup'] }] });
  },
  async chooseFile() {
    return single(await open({ multiple: false, directory: false }));
  },
  async chooseFolder() {
    return single(await open({ multiple: false, directory: true }));
  },
  async copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Older WebKit: fall back to a hidden text area and the copy command.
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      const done = document.execCommand('copy');
      area.remove();
      return done;
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
