// Open Badges 3.0 credentials made by the test itself: a VC-JWT signed with an Ed25519 key (node:crypto) by its
// did:key issuer, so the app verifies it completely offline — nothing about it is fetched from the internet.

import { createPrivateKey, createPublicKey, sign } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(bytes) {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An Ed25519 issuer from a fixed 32-byte seed: its key, did:key and verification method. */
export function issuer(seedByte) {
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  const id = `z${base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]))}`;
  return { privateKey, did: `did:key:${id}`, vm: `did:key:${id}#${id}` };
}

/**
 * A compact VC-JWT (OB 3.0 claim mapping: iss, jti, sub, nbf, vc) of an OpenBadgeCredential named `name`, awarded
 * to `did:example:learner` on `validFrom`; `extra` is merged into the credential (e.g. a `credentialStatus`).
 */
export function badgeJwt(from, { id, name, issuerName, validFrom = '2024-01-01T00:00:00Z', extra = {} }) {
  const subject = 'did:example:learner';
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name,
    issuer: { id: from.did, type: ['Profile'], name: issuerName },
    validFrom,
    credentialSubject: {
      id: subject,
      type: ['AchievementSubject'],
      achievement: {
        id: `${id}/achievement`,
        type: ['Achievement'],
        name,
        description: `${name} : formation réussie.`,
        criteria: { narrative: 'Épreuve pratique.' },
      },
    },
    ...extra,
  };
  const payload = { iss: from.did, jti: id, sub: subject, nbf: Date.parse(validFrom) / 1000, vc: credential };
  const input = `${b64url({ alg: 'EdDSA', typ: 'JWT', kid: from.vm })}.${b64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), from.privateKey).toString('base64url')}`;
}
