// Names of formats on the Share page. These are the standards' own names, the same in French and English, so
// they live here rather than in the message catalogues.

import type { PresentFormat } from './ipc';

/** How a presentation is signed, by its standard names. */
export const PRESENT_FORMATS: Record<PresentFormat, string> = {
  dataIntegrity: 'VC 2.0 · Data Integrity (eddsa-rdfc-2022)',
  jwt: 'VP-JWT (EdDSA)',
  legacy2020: 'VC 1.1 · Ed25519Signature2020',
};

/** Short names, for the history table. */
export const PRESENT_FORMATS_SHORT: Record<PresentFormat, string> = {
  dataIntegrity: 'VC 2.0',
  jwt: 'VP-JWT',
  legacy2020: 'VC 1.1',
};

/** What kind of credential it is: VC 2.0 / 1.1 JSON-LD, a VC-JWT, an Open Badges 2.0 assertion. */
export function credentialFormat(format: string, vcVersion?: number | null): string {
  switch (format) {
    case 'json-ld':
      return vcVersion === 1 ? 'VC 1.1 (JSON-LD)' : 'VC 2.0 (JSON-LD)';
    case 'vc-jwt':
      return 'VC-JWT';
    case 'vp-json-ld':
      return 'VP (JSON-LD)';
    case 'vp-jwt':
      return 'VP-JWT';
    case 'ob2-signed':
    case 'ob2-hosted':
      return 'Open Badges 2.0';
    default:
      return format;
  }
}

/** An SVG document as an image address (the window's CSP allows data: images). */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** A date for file names: 2026-11-27. */
export function fileDate(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
