// The UI's only door to the desktop shell: a small Platform interface over the generated bindings and the
// dialog plugin. Components receive a Platform through Svelte context, so they can be tested without Tauri.

import { getContext, setContext } from 'svelte';
import { open, save } from '@tauri-apps/plugin-dialog';
import { Channel } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import {
  commands,
  events,
  type AppInfo_Serialize,
  type Collection,
  type CredentialFacts_Serialize,
  type Facets_Serialize,
  type FacetCount_Serialize,
  type IssuerSummary_Serialize,
  type Settings_Serialize,
  type Skills_Serialize,
  type SortOrder,
  type Timeline_Serialize,
  type Check_Serialize,
  type CommandError,
  type CreatedPresentation_Serialize,
  type CredentialDetail_Serialize,
  type Disclosure_Serialize,
  type ImportEvent_Deserialize,
  type ImportEvent_Serialize,
  type ImportItem_Serialize,
  type ImportSummary,
  type IssuerIdentity,
  type PortfolioEntry_Serialize,
  type PortfolioPage_Serialize,
  type PortfolioQuery_Deserialize,
  type ExportReport,
  type OfferedCredential_Serialize,
  type OfferOutcome_Serialize,
  type OfferSettings,
  type OfferView_Serialize,
  type TxCodeRequest_Serialize,
  type TxInputMode,
  type PageLanguage,
  type PresentationPreview_Serialize,
  type PresentFormat,
  type PresentRequest_Deserialize,
  type Profile,
  type Protection,
  type QrForm,
  type QrOutcome,
  type RestoreReport,
  type SavedFile,
  type ShareForm,
  type ShareRecord_Serialize,
  type VerificationReport_Serialize,
  type WalletInfo_Serialize,
  type WalletState,
  type WalletStatus_Serialize,
} from './bindings';

// What the shell sends (the `_Serialize` shapes), under plain names.
export type AppInfo = AppInfo_Serialize;
export type WalletInfo = WalletInfo_Serialize;
export type WalletStatus = WalletStatus_Serialize;
export type ImportEvent = ImportEvent_Serialize;
export type ImportItem = ImportItem_Serialize;
export type PortfolioEntry = PortfolioEntry_Serialize;
export type PortfolioPage = PortfolioPage_Serialize;
export type CredentialDetail = CredentialDetail_Serialize;
export type Check = Check_Serialize;
export type PresentationPreview = PresentationPreview_Serialize;
export type Disclosure = Disclosure_Serialize;
export type CreatedPresentation = CreatedPresentation_Serialize;
export type ShareRecord = ShareRecord_Serialize;
export type VerificationReport = VerificationReport_Serialize;
export type OfferView = OfferView_Serialize;
export type OfferOutcome = OfferOutcome_Serialize;
export type OfferedCredential = OfferedCredential_Serialize;
export type TxCodeRequest = TxCodeRequest_Serialize;
export type CredentialFacts = CredentialFacts_Serialize;
export type Facets = Facets_Serialize;
export type FacetCount = FacetCount_Serialize;
export type IssuerSummary = IssuerSummary_Serialize;
export type Settings = Settings_Serialize;
export type Skills = Skills_Serialize;
export type Timeline = Timeline_Serialize;
/** What the window asks of the portfolio (the shape the shell reads). */
export type PortfolioQuery = PortfolioQuery_Deserialize;
/** What the window asks to present (the shape the shell reads). */
export type PresentRequest = PresentRequest_Deserialize;
export type {
  Collection,
  CommandError,
  SortOrder,
  ExportReport,
  ImportSummary,
  IssuerIdentity,
  OfferSettings,
  TxInputMode,
  PageLanguage,
  PresentFormat,
  Profile,
  Protection,
  QrForm,
  QrOutcome,
  RestoreReport,
  SavedFile,
  ShareForm,
  WalletState,
};

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
  restoreWallet(path: string, passphrase: string, online: boolean): Promise<Outcome<RestoreReport>>;
  exportPlain(folder: string): Promise<Outcome<ExportReport>>;
  /** Imports files and folders; `onEvent` hears each stored item and the progress while it runs. */
  importPaths(paths: string[], keepUnverified: boolean, onEvent: (e: ImportEvent) => void): Promise<Outcome<ImportSummary>>;
  importText(text: string, keepUnverified: boolean, onEvent: (e: ImportEvent) => void): Promise<Outcome<ImportSummary>>;
  cancelImport(): Promise<void>;
  portfolio(query: PortfolioQuery): Promise<Outcome<PortfolioPage>>;
  credentialDetail(id: string): Promise<Outcome<CredentialDetail>>;
  removeCredential(id: string): Promise<Outcome<null>>;
  /** Adds the demo portfolio (labelled demo); how many were added. */
  addDemoPortfolio(): Promise<Outcome<number>>;
  /** Removes every demo credential, and nothing else; how many. */
  removeDemoPortfolio(): Promise<Outcome<number>>;
  /** The badge's picture as a data: URI, or null. */
  credentialImage(id: string): Promise<string | null>;
  /** What the portfolio's filters can offer, with counts. */
  portfolioFacets(includeQuarantined: boolean): Promise<Outcome<Facets>>;
  timeline(): Promise<Outcome<Timeline>>;
  skills(search: string | null): Promise<Outcome<Skills>>;
  issuers(): Promise<Outcome<IssuerSummary[]>>;
  /** Criteria, results, evidence… from the signed bytes; null when the proof does not hold. */
  credentialFacts(id: string): Promise<Outcome<CredentialFacts | null>>;
  /** Verifies again now (online unless offline mode is on); the answer holds as of its `verifiedAt`. */
  reverifyCredential(id: string): Promise<Outcome<CredentialDetail>>;
  collections(): Promise<Outcome<Collection[]>>;
  createCollection(name: string): Promise<Outcome<Collection>>;
  renameCollection(id: string, name: string): Promise<Outcome<Collection>>;
  deleteCollection(id: string): Promise<Outcome<null>>;
  setCollectionMembers(id: string, credentialIds: string[], member: boolean): Promise<Outcome<Collection>>;
  /** The learner's settings, kept encrypted in the wallet (only once it is unlocked). */
  settings(): Promise<Outcome<Settings>>;
  setSettings(settings: Settings): Promise<Outcome<Settings>>;
  /** What presenting `request` would disclose, each credential re-checked now; nothing is signed. */
  previewPresentation(request: PresentRequest): Promise<Outcome<PresentationPreview>>;
  /** Signs a presentation and draws its QR codes; the shell keeps it, the window names it by id. */
  createPresentation(request: PresentRequest, includeUnverified: boolean): Promise<Outcome<CreatedPresentation>>;
  /** Each save writes a new file (never over one) and logs the share. */
  savePresentation(id: string, path: string): Promise<Outcome<SavedFile>>;
  savePresentationQr(id: string, form: QrForm, path: string): Promise<Outcome<SavedFile>>;
  savePresentationPage(id: string, path: string, learnerName: string, language: PageLanguage): Promise<Outcome<SavedFile>>;
  shareHistory(): Promise<Outcome<ShareRecord[]>>;
  /** Verifies a presentation file someone gave the learner (nothing is imported). */
  openPresentation(path: string, challenge: string | null, domain: string | null): Promise<Outcome<VerificationReport[]>>;
  /** Whether issuers on this computer are allowed (the wallet's settings; off by default). */
  offerSettings(): Promise<Outcome<OfferSettings>>;
  setAllowLocalIssuers(allow: boolean): Promise<Outcome<OfferSettings>>;
  /** Reads an offer link and what the consent screen shows; nothing is asked of the issuer's token endpoint. */
  inspectOffer(link: string, profileId: string | null, language: string | null): Promise<Outcome<OfferView>>;
  /** The learner said yes: receives, verifies and stores every credential of the offer, or none. */
  acceptOffer(offerId: string, profileId: string | null, txCode: string | null): Promise<Outcome<OfferOutcome>>;
  /** The learner said no: the shell forgets the offer; nothing is sent. */
  declineOffer(offerId: string): Promise<void>;
  /** The oldest offer link the OS handed to Carnet and not yet shown (an error when the link was refused). */
  takeOfferLink(): Promise<Outcome<string | null>>;
  /** Calls `handler` when an offer link arrives; returns a function that stops listening. */
  onOfferLink(handler: () => void): Promise<() => void>;
  /** Files and folders dropped on the window; returns a function that stops listening. */
  onDrop(handler: (paths: string[]) => void): Promise<() => void>;
  chooseImportFiles(): Promise<string[]>;
  /** Native dialogs; `null` when the learner cancels. */
  chooseSaveFile(defaultName: string): Promise<string | null>;
  /** A save dialog offering `extensions` (without dots) under the filter name `kind`. */
  chooseSavePath(defaultName: string, kind: string, extensions: string[]): Promise<string | null>;
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
  restoreWallet: (path, passphrase, online) => call(() => commands.restoreWallet(path, passphrase, online)),
  exportPlain: (folder) => call(() => commands.exportPlain(folder)),
  importPaths: (paths, keep, onEvent) => {
    // The generated signature names the shell's input shape; the messages are what it sends (ImportEvent).
    const channel = new Channel<ImportEvent_Deserialize>();
    channel.onmessage = (m) => onEvent(m as unknown as ImportEvent);
    return call(() => commands.importPaths(paths, keep, channel));
  },
  importText: (text, keep, onEvent) => {
    const channel = new Channel<ImportEvent_Deserialize>();
    channel.onmessage = (m) => onEvent(m as unknown as ImportEvent);
    return call(() => commands.importText(text, keep, channel));
  },
  async cancelImport() {
    await commands.cancelImport();
  },
  portfolio: (query) => call(() => commands.portfolio(query)),
  credentialDetail: (id) => call(() => commands.credentialDetail(id)),
  removeCredential: (id) => call(() => commands.removeCredential(id)),
  addDemoPortfolio: () => call(() => commands.addDemoPortfolio()),
  removeDemoPortfolio: () => call(() => commands.removeDemoPortfolio()),
  async credentialImage(id) {
    const r = await call(() => commands.credentialImage(id));
    return r.ok ? r.value : null;
  },
  portfolioFacets: (q) => call(() => commands.portfolioFacets(q)),
  timeline: () => call(() => commands.timeline()),
  skills: (search) => call(() => commands.skills(search)),
  issuers: () => call(() => commands.issuers()),
  credentialFacts: (id) => call(() => commands.credentialFacts(id)),
  reverifyCredential: (id) => call(() => commands.reverifyCredential(id)),
  collections: () => call(() => commands.collections()),
  createCollection: (name) => call(() => commands.createCollection(name)),
  renameCollection: (id, name) => call(() => commands.renameCollection(id, name)),
  deleteCollection: (id) => call(() => commands.deleteCollection(id)),
  setCollectionMembers: (id, ids, member) => call(() => commands.setCollectionMembers(id, ids, member)),
  settings: () => call(() => commands.settings()),
  setSettings: (settings) => call(() => commands.setSettings(settings)),
  previewPresentation: (request) => call(() => commands.previewPresentation(request)),
  createPresentation: (request, include) => call(() => commands.createPresentation(request, include)),
  savePresentation: (id, path) => call(() => commands.savePresentation(id, path)),
  savePresentationQr: (id, form, path) => call(() => commands.savePresentationQr(id, form, path)),
  savePresentationPage: (id, path, name, language) => call(() => commands.savePresentationPage(id, path, name, language)),
  shareHistory: () => call(() => commands.shareHistory()),
  openPresentation: (path, challenge, domain) => call(() => commands.openPresentation(path, challenge, domain)),
  offerSettings: () => call(() => commands.offerSettings()),
  setAllowLocalIssuers: (allow) => call(() => commands.setAllowLocalIssuers(allow)),
  inspectOffer: (link, profileId, language) => call(() => commands.inspectOffer(link, profileId, language)),
  acceptOffer: (offerId, profileId, txCode) => call(() => commands.acceptOffer(offerId, profileId, txCode)),
  async declineOffer(offerId) {
    await call(() => commands.declineOffer(offerId));
  },
  takeOfferLink: () => call(() => commands.takeOfferLink()),
  async onOfferLink(handler) {
    try {
      return await events.offerLinkReceived.listen(() => handler());
    } catch {
      return () => {};
    }
  },
  async onDrop(handler) {
    try {
      return await getCurrentWebview().onDragDropEvent((event) => {
        if (event.payload.type === 'drop') handler(event.payload.paths);
      });
    } catch {
      return () => {};
    }
  },
  async chooseImportFiles() {
    const picked = await open({ multiple: true, directory: false });
    return Array.isArray(picked) ? picked : picked ? [picked] : [];
  },
  async chooseSaveFile(defaultName) {
    return await save({ defaultPath: defaultName, filters: [{ name: 'Carnet backup', extensions: ['carnet-backup'] }] });
  },
  async chooseSavePath(defaultName, kind, extensions) {
    return await save({ defaultPath: defaultName, filters: [{ name: kind, extensions }] });
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
