// Carnet's QR codes read by other people's code (wallet-core/tests/it/qr.rs runs this):
//
//   node vpqr.mjs decode [--fallback FILE]   VPQR text on stdin → the presentation, as the Learner Credential
//                                            Wallet reads it (@digitalcredentials/vpqr 2.2.1 fromQrCode), JSON
//   node vpqr.mjs encode [--fallback FILE]   presentation JSON on stdin → the VPQR text vpqr 2.2.1 would make
//   node vpqr.mjs contexts URL...            the document loader's own copy of each context, {url: doc|null}
//   node vpqr.mjs read-png FILE              the text jsQR (an independent QR reader) finds in a PNG
//
// The document loader is the wallet's: securityLoader() of @digitalcredentials/security-document-loader 6.0.0
// with the context packages of the wallet's lockfile. The wallet also fetches contexts it does not package from
// the web (fetchRemoteContexts: true); offline, `--fallback FILE` ({url: document}) stands for the web.
// Nothing here opens a network connection. Output on stdout; errors on stderr with exit code 1.
import {readFileSync} from 'node:fs';

import {securityLoader} from '@digitalcredentials/security-document-loader';
import {fromQrCode, toQrCode} from '@digitalcredentials/vpqr';
import jsQR from 'jsqr';
import {PNG} from 'pngjs';

const [command, ...args] = process.argv.slice(2);

function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function documentLoader() {
  const packaged = securityLoader({fetchRemoteContexts: false}).build();
  const file = option('--fallback');
  const web = file ? JSON.parse(readFileSync(file, 'utf8')) : {};
  return async url => {
    try {
      return await packaged(url);
    } catch(e) {
      if(web[url]) {
        return {contextUrl: null, documentUrl: url, document: web[url]};
      }
      throw e;
    }
  };
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
      const vp = JSON.parse(await stdin());
      const {payload} = await toQrCode({vp, documentLoader: documentLoader()});
      process.stdout.write(payload + '\n');
      break;
    }
    case 'contexts': {
      const packaged = securityLoader({fetchRemoteContexts: false}).build();
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
      throw new Error('usage: vpqr.mjs decode|encode [--fallback FILE] | contexts URL... | read-png FILE');
  }
}

main().catch(e => {
  process.stderr.write(`vpqr.mjs: ${e && e.stack || e}\n`);
  process.exit(1);
});
