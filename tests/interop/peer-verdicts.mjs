// The peer verifier's verdict on many files in one Node process: one JSON line {file, verified, status, errors} each.
//
// Usage: node tests/interop/peer-verdicts.mjs [--peer DIR] [--now ISO] [--challenge C] [--domain D] [--no-manifest]
//        FILE...
// DIR is the folder scripts/peer-setup.sh prints (default: $CARNET_PEER_DIR, then /var/tmp/carnet-peer).
// Each file goes through exactly what the peer's own command would do with it: verify-vp.mjs for a presentation
// (JSON whose type includes VerifiablePresentation, or a JWT whose payload has a `vp` claim or that type),
// verify-vc.mjs for anything else (size limit, baked PNG/SVG extraction, OB 2.0 payload refusal included).
// A presentation's challenge and domain come from --challenge/--domain, else from the nearest manifest.json above
// the file that lists it with `challenge`/`domain` (the peer corpus does), else the peer takes the ones in the proof
// and warns. Lines also carry `kind` ("vc" or "vp": which command's logic ran) and the peer's `warnings`.
// Exit status: 0 when every line was produced (whatever the verdicts), 2 on bad usage.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_PEER_DIR = '/var/tmp/carnet-peer';
const VP_MAX_BYTES = 10 * 1024 * 1024; // verify-vp.mjs's MAX_BYTES

/** Imports the peer's libraries from an installed peer folder. */
export async function loadPeer(dir) {
  const lib = (name) => import(pathToFileURL(path.resolve(dir, 'lib', name)).href);
  const [verify, extract] = await Promise.all([lib('verify.mjs'), lib('extract.mjs')]);
  return { ...verify, ...extract };
}

/** Which of the peer's two commands would be the right one for these bytes: 'vp' or 'vc'. */
export function peerKind(peer, bytes) {
  if (peer.sniff(bytes)) return 'vc'; // baked images carry credentials only
  const text = bytes.toString('utf8').trim();
  const isVp = (obj) => !!obj && typeof obj === 'object' && [obj.type].flat().includes('VerifiablePresentation');
  try {
    if (peer.isJwtString(text)) {
      const { payload } = peer.decodeJwt(text);
      return payload && (payload.vp || isVp(payload)) ? 'vp' : 'vc';
    }
    return isVp(JSON.parse(text)) ? 'vp' : 'vc';
  } catch {
    return 'vc'; // not decodable: verify-vc.mjs reports why
  }
}

/** verify-vc.mjs's body for one file already read: `size` is what fs.statSync gave, `bytes` the contents. */
async function verifyVcBytes(peer, bytes, size, { now }) {
  try {
    if (size > peer.MAX_IMAGE_BYTES) {
      return { verified: false, status: 'error', credential: null,
        errors: [`input is ${size} bytes; refusing more than ${peer.MAX_IMAGE_BYTES}`], warnings: [] };
    }
    const kind = peer.sniff(bytes);
    if (!kind) return await peer.verifyCredentialAny(bytes.toString('utf8'), { now });
    let extracted;
    try {
      extracted = peer.extractBadge(bytes);
    } catch (e) {
      return { verified: false, status: e.status || 'error', container: kind, credential: null,
        errors: [e.message], warnings: [] };
    }
    if (extracted && !extracted.payload) {
      return { verified: false, status: 'error', container: kind, credential: null,
        errors: ['image carries an Open Badges 2.0 payload; OB 2.0 verification needs ' +
          'its hosted issuer/badge/key documents (not handled by verify-vc)'],
        warnings: [], ob2Payload: extracted.ob2Payload };
    }
    // unreachable (extractBadge returns null only for what sniff rejected); verify-vc.mjs would crash here
    if (!extracted) throw new Error('extractBadge returned nothing');
    return { container: kind, ...await peer.verifyCredentialAny(extracted.payload, { now }) };
  } catch (e) {
    return { verified: false, status: 'error', credential: null, errors: [e.message], warnings: [] };
  }
}

/** verify-vp.mjs's body for one file already read. */
async function verifyVpBytes(peer, bytes, size, { challenge, domain, now }) {
  try {
    if (size > VP_MAX_BYTES) {
      return { verified: false, status: 'error', presentation: null, credentials: [],
        errors: [`input is ${size} bytes; refusing more than ${VP_MAX_BYTES}`], warnings: [] };
    }
    return await peer.verifyPresentationAny(bytes.toString('utf8'), { challenge, domain, now });
  } catch (e) {
    return { verified: false, status: 'error', presentation: null, credentials: [], errors: [e.message], warnings: [] };
  }
}

/**
 * The peer's full result for one file's bytes, as its command would print it, plus which command that is.
 * Files over both size limits are refused as verify-vc.mjs would refuse them, without looking inside.
 */
export async function verifyBytes(peer, bytes, size, { now, challenge, domain } = {}) {
  if (size > Math.max(peer.MAX_IMAGE_BYTES, VP_MAX_BYTES)) {
    return { kind: 'vc', result: await verifyVcBytes(peer, bytes, size, { now }) };
  }
  const kind = peerKind(peer, bytes);
  const result = kind === 'vp'
    ? await verifyVpBytes(peer, bytes, size, { challenge, domain, now })
    : await verifyVcBytes(peer, bytes, size, { now });
  return { kind, result };
}

/** Reads a file the way the peer's commands do (stat first, no read when it is over every limit). */
export function readInput(peer, file) {
  const size = fs.statSync(file).size;
  const bytes = size > Math.max(peer.MAX_IMAGE_BYTES, VP_MAX_BYTES) ? Buffer.alloc(0) : fs.readFileSync(file);
  return { size, bytes };
}

const manifests = new Map(); // manifest.json path -> Map(file relative to it -> case), or null
function manifestCase(file) {
  const abs = path.resolve(file);
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    const at = path.join(dir, 'manifest.json');
    if (!manifests.has(at)) {
      let cases = null;
      try {
        const m = JSON.parse(fs.readFileSync(at, 'utf8'));
        if (Array.isArray(m.cases)) cases = new Map(m.cases.map((c) => [c.file, c]));
      } catch {
        // no manifest here, or not one of ours
      }
      manifests.set(at, cases);
    }
    const cases = manifests.get(at);
    if (cases) return cases.get(path.relative(dir, abs).split(path.sep).join('/')) ?? null;
    if (dir === path.dirname(dir)) return null;
  }
}

/** Challenge and domain for a presentation: the flags, else its manifest entry. */
export function presentationParams(file, { challenge, domain, useManifest = true }) {
  const entry = useManifest ? manifestCase(file) : null;
  return { challenge: challenge ?? entry?.challenge ?? undefined, domain: domain ?? entry?.domain ?? undefined };
}

export function parseArgs(argv, extra = {}) {
  const opts = { peer: process.env.CARNET_PEER_DIR || DEFAULT_PEER_DIR, now: undefined, challenge: undefined,
    domain: undefined, useManifest: true, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--peer') opts.peer = value();
    else if (a === '--now') opts.now = value();
    else if (a === '--challenge') opts.challenge = value();
    else if (a === '--domain') opts.domain = value();
    else if (a === '--no-manifest') opts.useManifest = false;
    else if (extra[a]) extra[a](opts, value);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (opts.now !== undefined && Number.isNaN(Date.parse(opts.now))) throw new Error(`--now ${opts.now} is not a date`);
  if (!fs.existsSync(path.join(opts.peer, 'node_modules'))) {
    throw new Error(`no installed peer at ${opts.peer}: run scripts/peer-setup.sh (or pass --peer DIR)`);
  }
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`peer-verdicts: ${e.message}\n`);
    process.exit(2);
  }
  const peer = await loadPeer(opts.peer);
  for (const file of opts.files) {
    let kind = 'vc';
    let result;
    try {
      const { size, bytes } = readInput(peer, file);
      ({ kind, result } = await verifyBytes(peer, bytes, size,
        { now: opts.now, ...presentationParams(file, opts) }));
    } catch (e) {
      // what the peer's commands print when the file cannot be read
      result = { verified: false, status: 'error', errors: [e.message], warnings: [] };
    }
    const line = { file, verified: !!result.verified, status: result.status, errors: result.errors,
      kind, warnings: result.warnings ?? [] };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
