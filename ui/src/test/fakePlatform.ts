// An in-memory Platform for component tests: a tiny wallet state machine with profiles. The real shell is
// exercised end to end in tests/e2e; this fake only lets components be tested in jsdom.

import type {
  Collection,
  CommandError,
  CredentialFacts,
  FacetCount,
  IssuerSummary,
  PortfolioQuery,
  Settings,
  Skills,
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
  /** Credentials already in the wallet (see `sampleCredentials`, `manyCredentials`). */
  credentials?: PortfolioEntry[];
  settings?: Partial<Settings>;
}

/** A portfolio entry with plain defaults for what a test does not care about. */
export function entry(p: Partial<PortfolioEntry> & { id: string }): PortfolioEntry {
  return {
    name: null, issuer: null, issuerName: null, description: null, awarded: null, validUntil: null, verdict: 'valid',
    partlyChecked: false, quarantined: false, superseded: false, tags: [], alignments: [], hasImage: false,
    imageSource: null, issuerIdentity: null, achievementType: null, channel: 'file', profileId: 'p1', ...p,
  };
}

/** A small realistic portfolio: two colleges, a university, an expired licence, a revoked and an unchecked badge. */
export function sampleCredentials(): PortfolioEntry[] {
  const csfoy = { issuer: 'did:web:csfoy.ca', issuerName: 'Cégep de Sainte-Foy',
    issuerIdentity: { kind: 'domain' as const, domain: 'csfoy.ca', confirmed: true } };
  const ulaval = { issuer: 'did:web:ulaval.ca', issuerName: 'Université Laval',
    issuerIdentity: { kind: 'domain' as const, domain: 'ulaval.ca', confirmed: false } };
  const oiiq = { issuer: 'did:key:z6MkOrdre', issuerName: 'Ordre des infirmières', issuerIdentity: { kind: 'keyOnly' as const, method: 'did:key' } };
  return [
    entry({ id: 's1', name: 'Soins infirmiers I', ...csfoy, description: 'Réussite du premier stage.', awarded: '2023-05-01T00:00:00Z',
      achievementType: 'Certificate', alignments: ['Soins de base'], tags: ['soins'], hasImage: true, imageSource: 'credential' }),
    entry({ id: 's2', name: 'Soins infirmiers II', ...csfoy, awarded: '2024-05-01T00:00:00Z', achievementType: 'Certificate',
      alignments: ['Soins avancés'] }),
    entry({ id: 's3', name: 'Anglais langue seconde', ...ulaval, awarded: '2024-09-15T00:00:00Z', achievementType: 'Badge',
      tags: ['langues'] }),
    entry({ id: 's4', name: 'Permis de pratique', ...oiiq, awarded: '2022-01-10T00:00:00Z', validUntil: '2024-01-10T00:00:00Z',
      achievementType: 'License', verdict: 'invalid' }),
    entry({ id: 's5', name: 'Réanimation cardiorespiratoire', ...csfoy, awarded: '2025-02-01T00:00:00Z', achievementType: 'Badge',
      verdict: 'invalid', quarantined: true }),
    entry({ id: 's6', name: 'Premiers soins', ...oiiq, awarded: '2025-03-01T00:00:00Z', achievementType: 'Badge', partlyChecked: true }),
  ];
}

/** `n` generated credentials (for the virtual list). */
export function manyCredentials(n: number): PortfolioEntry[] {
  return Array.from({ length: n }, (_, i) =>
    entry({ id: `g${i}`, name: `Badge ${i}`, issuer: `did:web:college${i % 7}.ca`, issuerName: `Collège ${i % 7}`,
      awarded: new Date(Date.UTC(2010 + (i % 15), i % 12, 1 + (i % 27))).toISOString(), achievementType: i % 3 ? 'Badge' : 'Certificate' }),
  );
}

/** What the details of a sample credential say, from its signed reading. */
export function sampleFacts(): CredentialFacts {
  return {
    description: 'Réussite du premier stage.', tags: ['soins'], achievementType: 'Certificate', fieldOfStudy: 'Soins infirmiers',
    specialization: null, awarded: '2023-05-01T00:00:00Z', achievementName: 'Soins infirmiers I',
    criteriaNarrative: '# Critères\n\nRéussir **trois** stages:\n\n- stage en *médecine*\n- stage en `chirurgie`\n\n<script>alert(1)</script> voir [le programme](https://csfoy.ca/programme)',
    criteriaUrl: 'https://csfoy.ca/criteres', humanCode: 'SI-1', creditsAvailable: '6', creditsEarned: '6',
    licenseNumber: 'LIC-2023-001', term: 'Hiver 2023', role: null, activityStart: null, activityEnd: null,
    results: [{ name: 'Note finale', value: '92', level: 'Excellent', status: 'Completed', resultType: 'Percent', requiredValue: '60',
      valueMin: '0', valueMax: '100' }],
    evidence: [{ name: 'Rapport de stage', description: null, narrative: 'Rapport *évalué* par la superviseure.', url: 'https://csfoy.ca/evidence/1',
      genre: null, audience: null }],
    endorsements: [{ id: 'urn:uuid:e1', name: 'Reconnaissance', endorser: 'did:web:oiiq.org', endorserName: 'OIIQ', comment: 'Programme reconnu.' }],
    alignments: [{ name: 'Soins de base', framework: 'Compétences infirmières', code: 'CI-01', url: 'https://example.org/ci/01',
      description: null, targetType: 'CFItem' }],
    recipientName: 'Léa Tremblay',
  };
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
  const credentials: PortfolioEntry[] = opts.credentials ?? [];
  const queries: PortfolioQuery[] = [];
  const facts: Record<string, CredentialFacts | null> = {};
  const supersededBy: Record<string, string> = {};
  const verifiedAt: Record<string, string> = {};
  const collections: Collection[] = [];
  const settings: Settings = { language: null, theme: null, offline: false, ...opts.settings };
  const savedSettings: Settings[] = [];
  const pathways: { from: string; to: string }[] = [];
  const skillsData: Skills = {
    frameworks: [
      { name: 'Compétences infirmières', skills: [
        { name: 'Soins de base', code: 'CI-01', url: 'https://example.org/ci/01', description: 'Prodiguer des soins de base.', targetType: 'CFItem', credentialIds: ['s1'] },
        { name: 'Soins avancés', code: 'CI-02', url: null, description: null, targetType: 'CFItem', credentialIds: ['s2'] },
      ] },
      { name: 'CECR', skills: [{ name: 'Anglais B2', code: 'B2', url: null, description: null, targetType: null, credentialIds: ['s3'] }] },
    ],
    achievementTypes: [{ value: 'Certificate', credentialIds: ['s1', 's2'] }, { value: 'Badge', credentialIds: ['s3', 's6'] }],
    tags: [{ value: 'soins', credentialIds: ['s1'] }, { value: 'langues', credentialIds: ['s3'] }],
    fieldsOfStudy: [{ value: 'Soins infirmiers', credentialIds: ['s1', 's2'] }],
    specializations: [],
  };
  const yearOf = (c: PortfolioEntry) => (c.awarded ? new Date(c.awarded).getUTCFullYear() : null);
  const countBy = (values: (string | null)[], label?: (v: string) => string | null): FacetCount[] => {
    const m = new Map<string, number>();
    for (const v of values) if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m].map(([value, count]) => ({ value, label: label?.(value) ?? null, count })).sort((a, b) => b.count - a.count);
  };
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
      imageSource: 'file', issuerIdentity: { kind: 'keyOnly', method: 'did:key' }, achievementType: null, channel: 'folder', profileId: 'p1',
    });
    credentials.push({
      id: items[1]!.credentialId!, name: 'Réanimation', issuer: 'did:key:z6MkCollege', issuerName: 'Cégep de Sainte-Foy',
      description: null, awarded: '2024-03-01T00:00:00Z', validUntil: null, verdict: 'valid',
      partlyChecked: true, quarantined: false, superseded: false, tags: [], alignments: [], hasImage: false,
      imageSource: null, issuerIdentity: { kind: 'domain', domain: 'csfoy.ca', confirmed: true }, achievementType: null,
      channel: 'folder', profileId: 'p1',
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
  const detailOf = (id: string): Outcome<CredentialDetail> => {
    const entry = credentials.find((c) => c.id === id);
    if (!entry) return fail<CredentialDetail>('credential.not_found');
    const failed = entry.verdict === 'invalid';
    return ok({
      entry: { ...entry },
      verifiedAt: verifiedAt[id] ?? '2026-11-27T08:05:31Z',
      supersededBy: supersededBy[id] ?? null,
      earlierVersions: credentials.filter((c) => supersededBy[c.id] === id).map((c) => ({ ...c })),
      raw: `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:${id}","name":"${entry.name ?? ''}"}`,
      checks: [
        failed
          ? { id: 'proof', outcome: 'failed', reason: 'the signature does not match the credential', warning: false, code: null, args: [] }
          : { id: 'proof', outcome: 'passed', reason: 'eddsa-rdfc-2022 signature by did:web:csfoy.ca#key-1 verifies', warning: false, code: 'proof.verifies', args: ['eddsa-rdfc-2022', 'did:web:csfoy.ca#key-1'] },
        entry.partlyChecked
          ? { id: 'status', outcome: 'skipped', reason: 'status not checked: offline', warning: true, code: null, args: [] }
          : { id: 'status', outcome: 'skipped', reason: 'the issuer gives no way to check revocation', warning: false, code: 'status.none', args: [] },
      ],
    });
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
        queries.push({ ...q });
        const words = fold(q.search ?? '').split(/\s+/).filter(Boolean);
        const members = q.collection ? new Set(collections.find((k) => k.id === q.collection)?.credentialIds ?? []) : null;
        const entries = credentials.filter((c) =>
          words.every((w) => fold(`${c.name} ${c.issuerName} ${c.description}`).includes(w)) &&
          (q.onlyQuarantined ? c.quarantined : q.includeQuarantined || !c.quarantined) &&
          (!q.issuer || c.issuer === q.issuer) && (!q.profileId || c.profileId === q.profileId) &&
          (!q.verdict || c.verdict === q.verdict) && (!q.achievementType || c.achievementType === q.achievementType) &&
          (q.year == null || yearOf(c) === q.year) && (!members || members.has(c.id)),
        );
        const by = q.sort ?? 'date';
        const key = (c: PortfolioEntry) => (by === 'name' ? fold(c.name ?? '') : by === 'issuer' ? fold(c.issuerName ?? '') : (c.awarded ?? ''));
        entries.sort((a, b) => (by === 'date' ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))));
        return ok({ total: entries.length, entries: entries.slice(q.offset, q.offset + (q.limit || entries.length)) });
      }),
    portfolioFacets: async (includeQuarantined) =>
      unlocked(() => {
        const shown = credentials.filter((c) => includeQuarantined || !c.quarantined);
        const names = new Map(shown.map((c) => [c.issuer ?? '', c.issuerName]));
        return ok({
          issuers: countBy(shown.map((c) => c.issuer), (v) => names.get(v) ?? null),
          achievementTypes: countBy(shown.map((c) => c.achievementType)),
          years: countBy(shown.map((c) => (yearOf(c) === null ? null : String(yearOf(c))))).sort((a, b) => b.value.localeCompare(a.value)),
          profiles: countBy(shown.map((c) => c.profileId), (v) => profiles.find((p) => p.id === v)?.name ?? null),
        });
      }),
    timeline: async () =>
      unlocked(() => {
        calls.push('timeline');
        const shown = credentials.filter((c) => !c.quarantined && !c.superseded)
          .sort((a, b) => (b.awarded ?? '').localeCompare(a.awarded ?? ''));
        const years: { year: number | null; issuers: { issuer: string | null; issuerName: string | null; entries: PortfolioEntry[] }[] }[] = [];
        for (const c of shown) {
          let y = years.find((x) => x.year === yearOf(c));
          if (!y) years.push((y = { year: yearOf(c), issuers: [] }));
          let i = y.issuers.find((x) => x.issuer === c.issuer);
          if (!i) y.issuers.push((i = { issuer: c.issuer, issuerName: c.issuerName, entries: [] }));
          i.entries.push(c);
        }
        return ok({ years, pathways: [...pathways] });
      }),
    skills: async (search) =>
      unlocked(() => {
        calls.push(`skills:${search ?? ''}`);
        const w = fold(search ?? '');
        if (!w) return ok(structuredClone(skillsData));
        const has = (t: string | null | undefined) => fold(t ?? '').includes(w);
        return ok({
          frameworks: skillsData.frameworks
            .map((f) => ({ ...f, skills: has(f.name) ? f.skills : f.skills.filter((k) => has(k.name) || has(k.code) || has(k.description)) }))
            .filter((f) => f.skills.length > 0),
          achievementTypes: skillsData.achievementTypes.filter((f) => has(f.value)),
          tags: skillsData.tags.filter((f) => has(f.value)),
          fieldsOfStudy: skillsData.fieldsOfStudy.filter((f) => has(f.value)),
          specializations: skillsData.specializations.filter((f) => has(f.value)),
        });
      }),
    issuers: async () =>
      unlocked(() => {
        const out: IssuerSummary[] = [];
        for (const c of [...credentials].sort((a, b) => (b.awarded ?? '').localeCompare(a.awarded ?? ''))) {
          let i = out.find((x) => x.issuer === c.issuer);
          if (!i) out.push((i = { issuer: c.issuer, issuerName: c.issuerName, identity: c.issuerIdentity, bound: 0, endorsements: 0,
            firstAward: c.awarded, lastAward: c.awarded, credentialIds: [] }));
          i.credentialIds.push(c.id);
          if (c.issuerIdentity?.kind === 'domain' && c.issuerIdentity.confirmed) i.bound += 1;
          i.firstAward = c.awarded;
        }
        return ok(out);
      }),
    credentialFacts: async (id) => unlocked(() => ok(id in facts ? facts[id]! : sampleFacts())),
    reverifyCredential: async (id) =>
      unlocked(() => {
        calls.push(`reverify:${id}`);
        verifiedAt[id] = '2026-11-29T10:00:00Z';
        const c = credentials.find((x) => x.id === id);
        if (c?.quarantined && c.verdict !== 'invalid') c.quarantined = false;
        return detailOf(id);
      }),
    collections: async () => unlocked(() => ok(collections.map((k) => ({ ...k, credentialIds: [...k.credentialIds] })))),
    createCollection: async (name) =>
      unlocked(() => {
        const clean = name.trim();
        if (!clean) return fail<Collection>('collection.bad_name');
        if (collections.some((k) => fold(k.name) === fold(clean))) return fail<Collection>('collection.name_taken');
        const k = { id: `k${collections.length + 1}`, name: clean, credentialIds: [], createdAt: '2026-11-29T10:00:00Z' };
        collections.push(k);
        calls.push(`createCollection:${clean}`);
        return ok({ ...k });
      }),
    renameCollection: async (id, name) =>
      unlocked(() => {
        const k = collections.find((x) => x.id === id);
        if (!k) return fail<Collection>('collection.not_found');
        if (!name.trim()) return fail<Collection>('collection.bad_name');
        k.name = name.trim();
        return ok({ ...k });
      }),
    deleteCollection: async (id) =>
      unlocked(() => {
        const i = collections.findIndex((x) => x.id === id);
        if (i < 0) return fail<null>('collection.not_found');
        collections.splice(i, 1);
        return ok(null);
      }),
    setCollectionMembers: async (id, ids, member) =>
      unlocked(() => {
        const k = collections.find((x) => x.id === id);
        if (!k) return fail<Collection>('collection.not_found');
        calls.push(`members:${id}:${ids.join(',')}:${member}`);
        for (const c of ids) {
          const at = k.credentialIds.indexOf(c);
          if (member && at < 0) k.credentialIds.push(c);
          if (!member && at >= 0) k.credentialIds.splice(at, 1);
        }
        return ok({ ...k, credentialIds: [...k.credentialIds] });
      }),
    settings: async () => unlocked(() => ok({ ...settings })),
    setSettings: async (next) =>
      unlocked(() => {
        Object.assign(settings, next);
        savedSettings.push({ ...settings });
        return ok({ ...settings });
      }),
    credentialDetail: async (id) => unlocked(() => detailOf(id)),
    removeCredential: async (id) =>
      unlocked(() => {
        credentials.splice(credentials.findIndex((c) => c.id === id), 1);
        return ok(null);
      }),
    addDemoPortfolio: async () =>
      unlocked(() => {
        calls.push('addDemoPortfolio');
        if (credentials.some((c) => c.channel === 'demo')) return ok(0);
        credentials.push(
          entry({ id: 'demo1', name: 'Soins infirmiers I', issuerName: 'Cégep de démonstration (Carnet)', channel: 'demo',
            awarded: '2019-12-15T00:00:00Z', issuerIdentity: { kind: 'keyOnly', method: 'did:key' } }),
        );
        return ok(1);
      }),
    removeDemoPortfolio: async () =>
      unlocked(() => {
        calls.push('removeDemoPortfolio');
        const before = credentials.length;
        for (let i = credentials.length - 1; i >= 0; i--) if (credentials[i]?.channel === 'demo') credentials.splice(i, 1);
        return ok(before - credentials.length);
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
        const holderCheck = { id: 'holder', outcome: 'passed', reason: 'signed by its holder did:key:z6MkHolder', warning: false, code: null, args: [] };
        const proof = { id: 'proof', outcome: 'passed', reason: 'eddsa-rdfc-2022 signature by did:web:csfoy.ca#key-1 verifies', warning: false, code: 'proof.verifies', args: ['eddsa-rdfc-2022', 'did:web:csfoy.ca#key-1'] };
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
            checks: [proof, { id: 'dates', outcome: 'failed', reason: 'expired: validUntil was 2024-06-30T00:00:00Z', warning: false, code: 'dates.expired', args: ['2024-06-30T00:00:00Z'] }],
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
          imageSource: null, issuerIdentity: { kind: 'keyOnly', method: 'did:key' }, achievementType: null,
          channel: 'offer', profileId: 'p1',
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
  return { platform, calls, queries, facts, supersededBy, verifiedAt, collections, settings, savedSettings, pathways,
    skillsData, profiles, credentials, today, notPresentable, qr, saved, shares, existing, issuer, deliverLink };
}
