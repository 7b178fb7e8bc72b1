// An in-memory Platform for component tests: a tiny wallet state machine with profiles. The real shell is
// exercised end to end in tests/e2e; this fake only lets components be tested in jsdom.

import type {
  CommandError,
  CreatedPresentation,
  CredentialDetail,
  Disclosure,
  ImportEvent,
  ImportItem,
  OfferOutcome,
  OfferView,
  Outcome,
  Platform,
  PortfolioEntry,
  PresentRequest,
  Profile,
  QrOutcome,
  ShareRecord,
  VerificationReport,
  WalletInfo,
} from '../lib/ipc';

/** How a credential verifies when a presentation is previewed (default: as the portfolio says). */
export interface Today {
  verdict: string;
  fullyVerified: boolean;
  reason: string | null;
}

export interface FakeOptions {
  state?: WalletInfo['state'];
  protection?: WalletInfo['protection'];
  keyringAvailable?: boolean;
  passphrase?: string;
  statusError?: CommandError;
}

/** The fake issuer behind every offer link: what inspecting shows, and how accepting goes. */
export interface FakeIssuer {
  /** The code the issuer expects (`null`: no transaction code). */
  txCode: string | null;
  txLength: number | null;
  /** An error inspecting answers with (the link cannot be read, the issuer is unreachable…). */
  inspectError: string | null;
  /** An error accepting answers with, whatever the code. */
  acceptError: string | null;
  allowLocal: boolean;
  /** Links the OS handed over, waiting for the window (an Outcome: a refused link is an error). */
  links: Outcome<string>[];
}

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(kind: string, message = kind): Outcome<T> => ({ ok: false, error: { kind, message } });

export function fakePlatform(opts: FakeOptions = {}) {
  let state = opts.state ?? 'unlocked';
  let protection = opts.protection ?? (state === 'uninitialized' ? null : 'passphrase');
  let passphrase = opts.passphrase ?? 'correct horse';
  const profiles: Profile[] = [];
  let n = 0;
  const calls: string[] = [];
  const credentials: PortfolioEntry[] = [];
  // What an import of any path reports: one good badge, one whose revocation could not be checked, one expired.
  const importItems = (file: string): ImportItem[] => [
    { file: `${file}/good.json`, index: 0, outcome: 'imported', reason: null, credentialId: `c${credentials.length + 1}`,
      name: 'Soins infirmiers I', verdict: 'valid', quarantined: false },
    { file: `${file}/offline.json`, index: 0, outcome: 'imported', reason: null,
      credentialId: `c${credentials.length + 2}`, name: 'Réanimation', verdict: 'valid', quarantined: false },
    { file: `${file}/old.json`, index: 0, outcome: 'invalid', reason: 'dates: expired: validUntil was 2024-06-30T00:00:00Z',
      credentialId: null, name: 'Premiers soins', verdict: 'invalid', quarantined: false },
  ];
  const fakeImport = async (name: string, onEvent: (e: ImportEvent) => void) => {
    calls.push(`import:${name}`);
    const items = importItems(name);
    onEvent({ event: 'progress', progress: { filesDone: 1, filesTotal: 3, current: items[0]!.file, rate: 10 } });
    for (const item of items) onEvent({ event: 'item', item });
    onEvent({ event: 'progress', progress: { filesDone: 3, filesTotal: 3, current: items[2]!.file, rate: 20 } });
    credentials.push({
      id: items[0]!.credentialId!, name: 'Soins infirmiers I', issuer: 'did:key:z6MkCollege', issuerName: 'Cégep de Sainte-Foy',
      description: 'Réussite du premier stage.', awarded: '2024-05-01T00:00:00Z', validUntil: null, verdict: 'valid',
      partlyChecked: false, quarantined: false, superseded: false, tags: [], alignments: ['Soins'], hasImage: true,
      imageSource: 'file', issuerIdentity: { kind: 'keyOnly', method: 'did:key' },
    });
    credentials.push({
      id: items[1]!.credentialId!, name: 'Réanimation', issuer: 'did:key:z6MkCollege', issuerName: 'Cégep de Sainte-Foy',
      description: null, awarded: '2024-03-01T00:00:00Z', validUntil: null, verdict: 'valid',
      partlyChecked: true, quarantined: false, superseded: false, tags: [], alignments: [], hasImage: false,
      imageSource: null, issuerIdentity: { kind: 'domain', domain: 'csfoy.ca', confirmed: true },
    });
    return ok({ files: 3, imported: 2, duplicates: 0, superseded: 0, invalid: 1, indeterminate: 0, errors: 0, cancelled: false });
  };
  // Presentations: how each credential verifies today, which cannot be presented, whether QR codes fit.
  const today: Record<string, Today> = {};
  const notPresentable: Record<string, string> = {};
  const qr = { fits: true };
  const made = new Map<string, PresentRequest>();
  const shares: ShareRecord[] = [];
  const saved: { what: string; id: string; path: string; extra?: string }[] = [];
  const existing = new Set<string>();
  const disclosure = (id: string, holder: string): Disclosure => {
    const c = credentials.find((x) => x.id === id)!;
    const t = today[id] ?? { verdict: c.verdict ?? 'valid', fullyVerified: !c.partlyChecked, reason: null };
    return {
      id, name: c.name, issuer: c.issuer, issuerName: c.issuerName, issuerIdentity: c.issuerIdentity,
      subject: id === 'c1' ? holder : 'did:key:z6MkSomeoneElse', subjectIsHolder: id === 'c1',
      hasPicture: c.hasImage, pictureSource: c.imageSource, format: notPresentable[id] ? 'ob2-signed' : 'json-ld',
      vcVersion: notPresentable[id] ? null : 2, verdict: notPresentable[id] ? 'error' : t.verdict,
      fullyVerified: notPresentable[id] ? false : t.fullyVerified, reason: notPresentable[id] ? null : t.reason,
      notPresentable: notPresentable[id] ?? null,
    };
  };
  const holderOf = (profileId: string | null | undefined) =>
    (profiles.find((p) => p.id === profileId) ?? profiles.find((p) => p.isDefault) ?? profiles[0])!;
  const qrOutcome = (form: 'json' | 'vpqr'): QrOutcome =>
    qr.fits
      ? { kind: 'ready', svg: `<svg xmlns="http://www.w3.org/2000/svg" data-form="${form}"/>`, version: form === 'json' ? 27 : 21, chars: form === 'json' ? 2210 : 1730 }
      : { kind: 'tooLarge', size: form === 'json' ? 8539 : 9120, max: form === 'json' ? 2953 : 4296, unit: form === 'json' ? 'bytes' : 'characters' };
  const logShare = (id: string, form: ShareRecord['forms'][number]) => {
    const req = made.get(id)!;
    shares.unshift({
      id: `s${shares.length + 1}`, at: '2026-11-27T09:00:00Z', forms: [form], format: req.format,
      holder: holderOf(req.profileId).didKey, domain: req.domain ?? null, challenge: req.challenge ?? null,
      presentationId: id, credentials: req.credentialIds.map((c) => ({ id: c, name: credentials.find((x) => x.id === c)?.name ?? null })),
    });
  };
  const save = (what: string, id: string, path: string, form: ShareRecord['forms'][number], extra?: string) => {
    if (!made.has(id)) return fail<{ path: string; sizeBytes: number }>('share.not_found');
    if (!path.startsWith('/')) return fail<{ path: string; sizeBytes: number }>('file.not_absolute');
    if (existing.has(path)) return fail<{ path: string; sizeBytes: number }>('file.exists');
    existing.add(path);
    saved.push({ what, id, path, extra });
    logShare(id, form);
    return ok({ path, sizeBytes: 2210 });
  };
  // Offers: one fake issuer, the inspected offers, and what the shell was asked.
  const issuer: FakeIssuer = { txCode: '493817', txLength: 6, inspectError: null, acceptError: null, allowLocal: false, links: [] };
  const offers = new Map<string, string>();
  let linkListener: (() => void) | null = null;
  const offerView = (id: string, profileId: string | null): OfferView => {
    const p = holderOf(profileId);
    return {
      offerId: id, protocol: 'openid4vci', issuer: 'https://emetteur.cegep.example', issuerDomain: 'emetteur.cegep.example',
      localIssuer: false, issuerName: 'Cégep de Sainte-Foy', issuerLogo: null, issuerLogoAlt: null,
      credentials: [
        { id: 'OB_ldp', name: 'Techniques de soins infirmiers', description: 'Diplôme d’études collégiales', format: 'ldp_vc', unsupported: null },
        { id: 'OB_sd', name: 'Carte étudiante', description: null, format: 'vc+sd-jwt', unsupported: 'format vc+sd-jwt' },
      ],
      profileId: p.id, profileName: p.name, profileDid: p.didKey,
      txCode: issuer.txCode === null ? null : { inputMode: 'numeric', length: issuer.txLength, description: 'Le code reçu par courriel' },
      requestOrigin: null,
    };
  };
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

  const info = (): WalletInfo => ({
    dataDir: '/home/learner/.local/share/carnet',
    outcome: 'opened',
    formatVersion: 1,
    walletId: '0e968f6f1356f38b69764d9017c35e8e',
    createdAt: '2026-11-27T08:05:31Z',
    createdBy: 'Carnet 0.1.0',
    sizeBytes: 181,
    fileCount: 1,
    state,
    protection,
  });
  const makeProfile = (name: string): Profile => {
    n += 1;
    return {
      id: `p${n}`,
      name,
      createdAt: '2026-11-27T08:05:31Z',
      didKey: `did:key:z6MkFake${n}${'x'.repeat(40)}`,
      didJwk: `did:jwk:eyFake${n}`,
      isDefault: profiles.length === 0,
      credentialCount: 0,
    };
  };
  const unlocked = <T>(run: () => Outcome<T>): Outcome<T> =>
    state === 'unlocked' ? run() : fail('wallet.locked');

  const platform: Platform = {
    appInfo: async () => ({ version: '0.1.0', osLocale: 'en-CA' }),
    walletInfo: async () => ok(info()),
    walletStatus: async () => {
      calls.push('walletStatus');
      if (opts.statusError) return { ok: false, error: opts.statusError };
      return ok({ info: info(), keyringAvailable: opts.keyringAvailable ?? false, keyringProblem: 'no Secret Service' });
    },
    initWallet: async (kind, pass, name) => {
      calls.push(`initWallet:${kind}`);
      if (kind === 'passphrase' && (pass ?? '').length < 8) return fail('vault.passphrase_too_short');
      state = 'unlocked';
      protection = kind;
      passphrase = pass ?? '';
      const p = makeProfile(name);
      profiles.push(p);
      return ok(p);
    },
    unlockWallet: async (pass) => {
      calls.push('unlockWallet');
      if (protection === 'passphrase' && pass !== passphrase) return fail('vault.wrong_passphrase', 'wrong passphrase');
      state = 'unlocked';
      return ok(info());
    },
    lockWallet: async () => {
      state = 'locked';
      return ok(info());
    },
    changeProtection: async (kind, pass) =>
      unlocked(() => {
        protection = kind;
        if (pass) passphrase = pass;
        return ok(info());
      }),
    listProfiles: async () => unlocked(() => ok(profiles.map((p) => ({ ...p })))),
    createProfile: async (name) =>
      unlocked(() => {
        if (!name.trim()) return fail('profile.empty_name');
        const p = makeProfile(name.trim());
        profiles.push(p);
        return ok(p);
      }),
    renameProfile: async (id, name) =>
      unlocked(() => {
        const p = profiles.find((x) => x.id === id);
        if (!p) return fail('profile.not_found');
        p.name = name;
        return ok(p);
      }),
    setDefaultProfile: async (id) =>
      unlocked(() => {
        profiles.forEach((p) => (p.isDefault = p.id === id));
        return ok(profiles.find((p) => p.id === id)!);
      }),
    deleteProfile: async (id) =>
      unlocked(() => {
        const i = profiles.findIndex((p) => p.id === id);
        profiles.splice(i, 1);
        return ok(null);
      }),
    backupWallet: async () => ok(4096),
    restoreWallet: async (_path: string, _passphrase: string, online: boolean) =>
      ok({
        profilesAdded: 1,
        profilesPresent: 0,
        credentialsAdded: 2,
        credentialsPresent: 0,
        verified: 1,
        notFullyChecked: 0,
        invalid: 0,
        unchecked: 1,
        leftQuarantine: 0,
        online,
      }),
    exportPlain: async (folder) => ok({ folder, credentialFiles: 0 }),
    chooseSaveFile: async (name) => `/tmp/${name}`,
    chooseSavePath: async (name, _kind, extensions) => {
      calls.push(`chooseSavePath:${name}:${extensions.join(',')}`);
      return `/tmp/${name}`;
    },
    chooseFile: async () => '/tmp/backup.carnet-backup',
    chooseFolder: async () => '/tmp/export',
    copyText: async () => true,
    importPaths: (paths, _keep, onEvent) => fakeImport(paths.join(','), onEvent),
    importText: (_text, _keep, onEvent) => fakeImport('pasted text', onEvent),
    cancelImport: async () => {
      calls.push('cancelImport');
    },
    portfolio: async (q) =>
      unlocked(() => {
        const words = fold(q.search ?? '').split(/\s+/).filter(Boolean);
        const entries = credentials.filter((c) =>
          words.every((w) => fold(`${c.name} ${c.issuerName} ${c.description}`).includes(w)),
        );
        return ok({ total: entries.length, entries: entries.slice(q.offset, q.offset + (q.limit || entries.length)) });
      }),
    credentialDetail: async (id) =>
      unlocked(() => {
        const entry = credentials.find((c) => c.id === id);
        if (!entry) return fail<CredentialDetail>('credential.not_found');
        return ok({
          entry,
          verifiedAt: '2026-11-27T08:05:31Z',
          checks: [
            { id: 'proof', outcome: 'passed', reason: 'eddsa-rdfc-2022 signature verifies', warning: false },
            entry.partlyChecked
              ? { id: 'status', outcome: 'skipped', reason: 'status not checked: offline', warning: true }
              : { id: 'status', outcome: 'skipped', reason: 'the issuer gives no way to check revocation', warning: false },
          ],
        });
      }),
    removeCredential: async (id) =>
      unlocked(() => {
        credentials.splice(credentials.findIndex((c) => c.id === id), 1);
        return ok(null);
      }),
    addDemoPortfolio: async () =>
      unlocked(() => {
        calls.push('addDemoPortfolio');
        return ok(13);
      }),
    removeDemoPortfolio: async () =>
      unlocked(() => {
        calls.push('removeDemoPortfolio');
        return ok(13);
      }),
    credentialImage: async () => null,
    previewPresentation: async (req) =>
      unlocked(() => {
        calls.push(`previewPresentation:${req.credentialIds.join(',')}`);
        if (req.credentialIds.length === 0) return fail('present.nothing_selected');
        const holder = holderOf(req.profileId);
        const items = req.credentialIds.map((id) => disclosure(id, holder.didKey));
        return ok({
          profileId: holder.id,
          holder: holder.didKey,
          items,
          unverified: items.filter((d) => !d.notPresentable && d.verdict !== 'valid').map((d) => d.name ?? d.id),
          notPresentable: items.filter((d) => d.notPresentable).map((d) => ({ name: d.name ?? d.id, reason: d.notPresentable! })),
          legacyPossible: false,
        });
      }),
    createPresentation: async (req, include) =>
      unlocked(() => {
        calls.push(`createPresentation:${req.format}:${include}`);
        const holder = holderOf(req.profileId);
        const items = req.credentialIds.map((id) => disclosure(id, holder.didKey));
        if (items.some((d) => d.notPresentable)) return fail<CreatedPresentation>('present.not_presentable');
        if (!include && items.some((d) => d.verdict !== 'valid')) return fail<CreatedPresentation>('present.needs_confirmation');
        const id = `urn:uuid:00000000-0000-4000-a000-00000000000${made.size + 1}`;
        made.set(id, req);
        return ok({
          id, format: req.format, sizeBytes: 2210, extension: req.format === 'jwt' ? 'jwt' : 'json', holder: holder.didKey,
          challenge: req.challenge ?? null, domain: req.domain ?? null, credentialNames: items.map((d) => d.name ?? d.id),
          qrJson: req.format === 'jwt' ? null : qrOutcome('json'), qrVpqr: req.format === 'jwt' ? null : qrOutcome('vpqr'),
        });
      }),
    savePresentation: async (id, path) => save('file', id, path, 'file'),
    savePresentationQr: async (id, form, path) => {
      if (!/\.(png|svg)$/i.test(path)) return fail('file.qr_extension');
      if (!qr.fits) return fail('qr.too_large');
      return save('qr', id, path, form === 'json' ? 'qrJson' : 'qrVpqr', form);
    },
    savePresentationPage: async (id, path, name, language) => save('page', id, path, 'page', `${name}|${language}`),
    shareHistory: async () => unlocked(() => ok(shares.map((r) => ({ ...r })))),
    openPresentation: async (path, challenge, domain) =>
      unlocked(() => {
        calls.push(`openPresentation:${path}:${challenge}:${domain}`);
        const holderCheck = { id: 'holder', outcome: 'passed', reason: 'signed by its holder did:key:z6MkHolder', warning: false };
        const proof = { id: 'proof', outcome: 'passed', reason: 'eddsa-rdfc-2022 signature verifies', warning: false };
        const reports: VerificationReport[] = [
          { index: 0, parent: null, kind: 'presentation', format: 'vp-json-ld', verdict: 'valid', fullyVerified: true, name: null,
            issuer: null, issuerName: null, issuerIdentity: null, subject: null, validFrom: null, validUntil: null,
            checks: [proof, holderCheck], reason: null },
          { index: 1, parent: 0, kind: 'credential', format: 'json-ld', verdict: 'valid', fullyVerified: true, name: 'Soins infirmiers I',
            issuer: 'did:web:csfoy.ca', issuerName: 'Cégep de Sainte-Foy', issuerIdentity: { kind: 'domain', domain: 'csfoy.ca', confirmed: true },
            subject: 'did:key:z6MkHolder', validFrom: '2024-05-01T00:00:00Z', validUntil: null, checks: [proof], reason: null },
          { index: 2, parent: 0, kind: 'credential', format: 'json-ld', verdict: 'invalid', fullyVerified: false, name: 'Premiers soins',
            issuer: 'did:key:z6MkCollege', issuerName: 'Centre de formation', issuerIdentity: { kind: 'keyOnly', method: 'did:key' },
            subject: 'did:key:z6MkHolder', validFrom: '2023-01-01T00:00:00Z', validUntil: '2024-06-30T00:00:00Z',
            checks: [proof, { id: 'dates', outcome: 'failed', reason: 'expired: validUntil was 2024-06-30T00:00:00Z', warning: false }],
            reason: 'dates: expired: validUntil was 2024-06-30T00:00:00Z' },
        ];
        return ok(reports);
      }),
    offerSettings: async () => unlocked(() => ok({ allowLocalIssuers: issuer.allowLocal })),
    setAllowLocalIssuers: async (allow) =>
      unlocked(() => {
        calls.push(`setAllowLocalIssuers:${allow}`);
        issuer.allowLocal = allow;
        return ok({ allowLocalIssuers: allow });
      }),
    inspectOffer: async (link, profileId, language) =>
      unlocked(() => {
        calls.push(`inspectOffer:${link}:${language}`);
        if (issuer.inspectError) return fail<OfferView>(issuer.inspectError);
        const id = `offer-${offers.size + 1}`;
        offers.set(id, link);
        return ok(offerView(id, profileId));
      }),
    acceptOffer: async (offerId, profileId, txCode) =>
      unlocked(() => {
        calls.push(`acceptOffer:${offerId}:${profileId}:${txCode}`);
        if (!offers.has(offerId)) return fail<OfferOutcome>('offer.not_found');
        if (issuer.acceptError) return fail<OfferOutcome>(issuer.acceptError);
        if (issuer.txCode !== null && txCode !== issuer.txCode) return fail<OfferOutcome>('offer.wrong_tx_code');
        offers.delete(offerId);
        const id = `c${credentials.length + 1}`;
        credentials.push({
          id, name: 'Techniques de soins infirmiers', issuer: 'did:key:z6MkCegep', issuerName: 'Cégep de Sainte-Foy',
          description: 'Diplôme d’études collégiales', awarded: '2026-11-29T10:00:00Z', validUntil: null, verdict: 'valid',
          partlyChecked: false, quarantined: false, superseded: false, tags: [], alignments: [], hasImage: false,
          imageSource: null, issuerIdentity: { kind: 'keyOnly', method: 'did:key' },
        });
        return ok({
          issuer: 'https://emetteur.cegep.example', profileId: holderOf(profileId).id,
          items: [{ file: 'offer from https://emetteur.cegep.example', index: 0, outcome: 'imported', reason: null,
            credentialId: id, name: 'Techniques de soins infirmiers', verdict: 'valid', quarantined: false }],
          skipped: [{ id: 'OB_sd', name: 'Carte étudiante', description: null, format: 'vc+sd-jwt', unsupported: 'format vc+sd-jwt' }],
        });
      }),
    declineOffer: async (offerId) => {
      calls.push(`declineOffer:${offerId}`);
      offers.delete(offerId);
    },
    takeOfferLink: async () => {
      calls.push('takeOfferLink');
      const next = issuer.links.shift();
      return next === undefined ? ok(null) : next;
    },
    onOfferLink: async (handler) => {
      linkListener = handler;
      return () => {
        linkListener = null;
      };
    },
    onDrop: async () => () => {},
    chooseImportFiles: async () => ['/tmp/badge.png'],
  };
  /** As the OS does: a link arrives (queued in the shell) and the window is told. */
  const deliverLink = (link: Outcome<string>) => {
    issuer.links.push(link);
    linkListener?.();
  };
  return { platform, calls, profiles, credentials, today, notPresentable, qr, saved, shares, existing, issuer, deliverLink };
}
