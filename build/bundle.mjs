// `npm run build`, after tsc: dist/*.js into one file per entry point, so that a start reads one file instead of
// resolving ~80 modules. The CLI's and the hook runner's bundles are CommonJS: bin/keyguard runs them through
// V8's code cache (vm.Script), which Node 20 offers to scripts only, not to ES modules. The history scan's early
// start, a few lines, stays an ES module.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  external: ['simple-git', 'undici', '@smithy/signature-v4', '@aws-crypto/sha256-js'],
  alias: { 'string-width': './build/string-width.cjs' },
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['dist/cli.js', 'dist/hooks/run.js'],
  outdir: 'dist',
  entryNames: '[name].bundle',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // import() of the external packages becomes require(), which finds them from dist/ (an import() in a
  // vm.Script would look for them from the working directory); all four are CommonJS packages.
  supported: { 'dynamic-import': false },
  // The modules find their package's files (patterns/) and lazy requires from import.meta.url.
  define: { 'import.meta.url': 'bundleUrl' },
  banner: { js: "const bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: ['dist/prestart.js'], outdir: 'dist', entryNames: '[name].bundle', format: 'esm' });
