// English message catalogue. The French one (fr.ts) must have exactly the same shape; TypeScript enforces it.

export const en = {
  langName: 'English',
  app: {
    name: 'Carnet',
    tagline: 'Your learning credentials, on your own computer',
    skipToContent: 'Skip to content',
    mainNav: 'Main navigation',
    language: 'Language',
    switchTo: 'Passer au français',
  },
  nav: {
    portfolio: 'Portfolio',
    import: 'Import',
    share: 'Share',
    profiles: 'Profiles',
    settings: 'Settings',
  },
  notYet: 'Not available yet in this version of Carnet.',
  portfolio: {
    title: 'Portfolio',
    lead: 'Every badge and attestation you have earned, kept and verified on this computer.',
    emptyTitle: 'Your portfolio is empty',
    emptyBody:
      'Badges and attestations you import will appear here with their issuer, date and verification result.',
    goImport: 'Import badges',
  },
  import: {
    title: 'Import',
    lead: 'Add badges and attestations from files, folders or a pasted link.',
    formats:
      'Carnet reads Open Badges 2.0 and 3.0 (baked PNG and SVG images, JSON, JWT), CLR 2.0 records and verifiable presentations.',
  },
  share: {
    title: 'Share',
    lead: 'Build a signed presentation an employer can check, as a file or a QR code.',
  },
  profiles: {
    title: 'Profiles',
    lead: 'Your identities (DIDs) and their keys, for example one personal and one professional.',
  },
  settings: {
    title: 'Settings',
    lead: 'Language, where your wallet is kept, and information about Carnet.',
    languageHeading: 'Language',
    languageHelp: 'Carnet follows your system language until you choose one here.',
    walletHeading: 'Wallet',
    dataDir: 'Data folder',
    formatVersion: 'Format version',
    createdAt: 'Created',
    size: 'Size',
    sizeValue: (bytes: string, files: number) => `${bytes} in ${files} ${files === 1 ? 'file' : 'files'}`,
    loading: 'Reading the wallet…',
    aboutHeading: 'About',
    version: 'Version',
  },
  errors: {
    title: 'Something went wrong',
    kinds: {
      'data_dir.not_a_directory': 'The wallet location is a file, not a folder.',
      'data_dir.foreign_directory':
        'The wallet folder already holds other files. Carnet only uses a new or empty folder.',
      'data_dir.create_failed': 'Carnet could not create the wallet folder.',
      'data_dir.unwritable': 'Carnet cannot write in the wallet folder.',
      'data_dir.read_failed': 'Carnet could not read the wallet folder.',
      'data_dir.corrupt_header': 'The wallet folder is damaged. Restore your wallet from a backup.',
      'data_dir.too_new': 'This wallet was made by a newer version of Carnet. Update Carnet to open it.',
      'data_dir.no_default': 'This system has no default data folder. Start Carnet with CARNET_DATA_DIR set.',
      'app.internal': 'An internal error occurred.',
      'app.unavailable': 'Carnet’s engine is not reachable from this window.',
    } as Record<string, string>,
    details: 'Details',
  },
};

export type Messages = typeof en;
