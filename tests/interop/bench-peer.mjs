// Throughput of the peer verifier: verifies the given files over and over in one process, one at a time, and prints
// {files, valid, rounds, verifications, seconds, per_second} as one JSON line (valid: how many files it verified).
//
// Usage: node tests/interop/bench-peer.mjs [--rounds N] [--seconds T] [--peer DIR] [--now ISO] [--challenge C]
//        [--domain D] [--no-manifest] FILE...
// The files are read once. One warm-up round (module loading, JIT, the JSON-LD context cache) is not counted; then
// whole rounds run until at least N rounds (default 5) and at least T seconds (default 5) have gone by. Each file is
// verified exactly as peer-verdicts.mjs verifies it; a verdict that changes between rounds fails the run (exit 1).

import { loadPeer, parseArgs, presentationParams, readInput, verifyBytes } from './peer-verdicts.mjs';

function nonNegative(name, text) {
  const n = Number(text);
  if (!(n >= 0) || !Number.isFinite(n)) throw new Error(`${name} needs a number, not ${text}`);
  return n;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2), {
    '--rounds': (o, value) => { o.rounds = Math.ceil(nonNegative('--rounds', value())); },
    '--seconds': (o, value) => { o.seconds = nonNegative('--seconds', value()); },
  });
  if (!opts.files.length) throw new Error('no files given');
} catch (e) {
  process.stderr.write(`bench-peer: ${e.message}\n`);
  process.exit(2);
}
const minRounds = opts.rounds ?? 5;
const minSeconds = opts.seconds ?? 5;

const peer = await loadPeer(opts.peer);
const inputs = opts.files.map((file) => ({ file, ...readInput(peer, file),
  params: { now: opts.now, ...presentationParams(file, opts) } }));

async function round() {
  const verdicts = [];
  for (const { bytes, size, params } of inputs) {
    const { result } = await verifyBytes(peer, bytes, size, params);
    verdicts.push(`${result.verified}/${result.status}`);
  }
  return verdicts;
}

const expected = await round(); // warm-up, not counted
let rounds = 0;
const started = process.hrtime.bigint();
let seconds = 0;
while (rounds < minRounds || seconds < minSeconds) {
  const verdicts = await round();
  rounds += 1;
  seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const changed = verdicts.findIndex((v, i) => v !== expected[i]);
  if (changed >= 0) {
    process.stderr.write(`bench-peer: ${inputs[changed].file} gave ${verdicts[changed]} in round ${rounds}, ` +
      `${expected[changed]} in the warm-up\n`);
    process.exit(1);
  }
}
const verifications = rounds * inputs.length;
process.stdout.write(`${JSON.stringify({ files: inputs.length,
  valid: expected.filter((v) => v.startsWith('true/')).length, rounds, verifications,
  seconds: Number(seconds.toFixed(3)), per_second: Number((verifications / seconds).toFixed(1)) })}\n`);
