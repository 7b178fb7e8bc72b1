// Catalogue de messages français (Québec) : même forme que en.ts, vérifiée par TypeScript.

import type { Messages } from './en';

export const fr: Messages = {
  langName: 'Français',
  app: {
    name: 'Carnet',
    tagline: 'Vos attestations d’apprentissage, sur votre propre ordinateur',
    skipToContent: 'Aller au contenu',
    mainNav: 'Navigation principale',
    language: 'Langue',
    switchTo: 'Switch to English',
  },
  nav: {
    portfolio: 'Portfolio',
    import: 'Importer',
    share: 'Partager',
    profiles: 'Profils',
    settings: 'Réglages',
  },
  notYet: 'Pas encore offert dans cette version de Carnet.',
  portfolio: {
    title: 'Portfolio',
    lead: 'Tous les badges et attestations que vous avez obtenus, conservés et vérifiés sur cet ordinateur.',
    emptyTitle: 'Votre portfolio est vide',
    emptyBody:
      'Les badges et attestations que vous importerez apparaîtront ici, avec leur émetteur, leur date et le résultat de leur vérification.',
    goImport: 'Importer des badges',
  },
  import: {
    title: 'Importer',
    lead: 'Ajoutez des badges et des attestations à partir de fichiers, de dossiers ou d’un lien collé.',
    formats:
      'Carnet lit les Open Badges 2.0 et 3.0 (images PNG et SVG intégrées, JSON, JWT), les relevés CLR 2.0 et les présentations vérifiables.',
  },
  share: {
    title: 'Partager',
    lead: 'Créez une présentation signée qu’un employeur peut vérifier, en fichier ou en code QR.',
  },
  profiles: {
    title: 'Profils',
    lead: 'Vos identités (DID) et leurs clés, par exemple une personnelle et une professionnelle.',
  },
  settings: {
    title: 'Réglages',
    lead: 'La langue, l’emplacement de votre portefeuille et des renseignements sur Carnet.',
    languageHeading: 'Langue',
    languageHelp: 'Carnet suit la langue de votre système tant que vous n’en choisissez pas une ici.',
    walletHeading: 'Portefeuille',
    dataDir: 'Dossier de données',
    formatVersion: 'Version du format',
    createdAt: 'Créé le',
    size: 'Taille',
    sizeValue: (bytes: string, files: number) => `${bytes} dans ${files} ${files <= 1 ? 'fichier' : 'fichiers'}`,
    loading: 'Lecture du portefeuille…',
    aboutHeading: 'À propos',
    version: 'Version',
  },
  errors: {
    title: 'Un problème est survenu',
    kinds: {
      'data_dir.not_a_directory': 'L’emplacement du portefeuille est un fichier, pas un dossier.',
      'data_dir.foreign_directory':
        'Le dossier du portefeuille contient déjà d’autres fichiers. Carnet utilise seulement un dossier nouveau ou vide.',
      'data_dir.create_failed': 'Carnet n’a pas pu créer le dossier du portefeuille.',
      'data_dir.unwritable': 'Carnet ne peut pas écrire dans le dossier du portefeuille.',
      'data_dir.read_failed': 'Carnet n’a pas pu lire le dossier du portefeuille.',
      'data_dir.corrupt_header': 'Le dossier du portefeuille est endommagé. Restaurez votre portefeuille à partir d’une sauvegarde.',
      'data_dir.too_new':
        'Ce portefeuille a été créé par une version plus récente de Carnet. Mettez Carnet à jour pour l’ouvrir.',
      'data_dir.no_default':
        'Ce système n’a pas de dossier de données par défaut. Lancez Carnet avec CARNET_DATA_DIR.',
      'app.internal': 'Une erreur interne est survenue.',
      'app.unavailable': 'Le moteur de Carnet n’est pas joignable depuis cette fenêtre.',
    },
    details: 'Détails',
  },
};
