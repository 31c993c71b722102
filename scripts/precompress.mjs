// Compresses the release bundle's text and wasm files once, at build time, as the server
// serves them (server::http::assets): `file.br` (brotli quality 11) and `file.gz` (gzip level 9)
// next to each file. Far smaller than compressing per request at a fast level (the wasm:
// 526 KB at brotli 11 against 565 KB as the server used to send it), and no CPU per request.
// Run by scripts/build.sh: node scripts/precompress.mjs dist/public
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|js|mjs|css|tsv|svg|json|webmanifest|txt)$/;
// Below this, the headers outweigh what compression saves.
const MIN_BYTES = 512;

function* files(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const root = process.argv[2] ?? 'dist/public';
let before = 0;
let after = 0;
for (const path of [...files(root)]) {
  if (path.endsWith('.br') || path.endsWith('.gz')) {
    rmSync(path);
    continue;
  }
  if (!COMPRESSIBLE.test(path)) continue;
  const bytes = readFileSync(path);
  if (bytes.length < MIN_BYTES) continue;
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  before += bytes.length;
  after += br.length;
}
console.log(`precompressed ${root}: ${Math.round(before / 1024)} KiB → ${Math.round(after / 1024)} KiB (brotli 11)`);
