// Carnet's QR codes read by other people's code (wallet-core/tests/it/qr.rs runs this):
//
//   node vpqr.mjs decode            VPQR text on stdin → the presentation as the Learner Credential Wallet and
//                                   VerifierPlus read it (@digitalcredentials/vpqr 2.2.1 fromQrCode), JSON
//   node vpqr.mjs encode            presentation JSON on stdin → the VPQR text vpqr 2.2.1 would make (its
//                                   toQrCode steps without the QR code, so that texts too long for one compare too)
//   node vpqr.mjs contexts URL...   the document loader's own copy of each context, {url: doc|null}
//   node vpqr.mjs read-png FILE     the text jsQR (an independent QR reader) finds in a PNG
//
// The document loader is theirs: securityLoader() of @digitalcredentials/security-document-loader 8.0.0 with the
// context packages of their lockfiles, and as VerifierPlus builds it, fetching nothing from the web (the wallet
// would fetch other contexts; Carnet uses none that it does not package). Nothing here opens a network
// connection. Output on stdout; errors on stderr with exit code 1.
import {readFileSync} from 'node:fs';

import * as cborld from '@digitalcredentials/cborld';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {fromQrCode} from '@digitalcredentials/vpqr';
import base32Encode from 'base32-encode';
import jsQR from 'jsqr';
import {PNG} from 'pngjs';

const [command, ...args] = process.argv.slice(2);

function documentLoader() {
  return securityLoader().build();
}

async function stdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function main() {
  switch(command) {
    case 'decode': {
      const {vp} = await fromQrCode({text: await stdin(), documentLoader: documentLoader()});
      process.stdout.write(JSON.stringify(vp) + '\n');
      break;
    }
    case 'encode': {
      // vpqr 2.2.1 toQrCode: cborld.encode, then `VP1-B` + unpadded RFC 4648 base32, then the QR code.
      const vp = JSON.parse(await stdin());
      const bytes = await cborld.encode({jsonldDocument: vp, documentLoader: documentLoader()});
      process.stdout.write(`VP1-B${base32Encode(bytes, 'RFC4648', {padding: false})}\n`);
      break;
    }
    case 'contexts': {
      const packaged = documentLoader();
      const out = {};
      for(const url of args) {
        try {
          const {document} = await packaged(url);
          out[url] = typeof document === 'string' ? JSON.parse(document) : document;
        } catch {
          out[url] = null;
        }
      }
      process.stdout.write(JSON.stringify(out) + '\n');
      break;
    }
    case 'read-png': {
      const png = PNG.sync.read(readFileSync(args[0]));
      const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      if(!code) {
        throw new Error('jsQR found no QR code');
      }
      process.stdout.write(code.data);
      break;
    }
    default:
      throw new Error('usage: vpqr.mjs decode | encode | contexts URL... | read-png FILE');
  }
}

main().catch(e => {
  process.stderr.write(`vpqr.mjs: ${e && e.stack || e}\n`);
  process.exit(1);
});
