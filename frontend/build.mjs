// Bundles the phone app (src/app.js) and its service worker (src/sw.js) with their npm libraries into
// sentra/web/static/web/field-build/ — built output, never committed (.gitignore). Run by
// scripts/build-assets (after `npm ci`), which scripts/start and scripts/test call.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'sentra', 'web', 'static', 'web', 'field-build');
await mkdir(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'safari14', 'chrome90', 'firefox90'],
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};
await build({ ...common, entryPoints: [join(here, 'src', 'app.js')], outfile: join(out, 'app.js') });
await build({ ...common, entryPoints: [join(here, 'src', 'sw.js')], outfile: join(out, 'sw.js') });
await writeFile(join(out, 'BUILT'), `${new Date().toISOString()}\n`);
console.log(`phone app built into ${out}`);
