// Bundles the CLI into dist/ with esbuild: dist/cli.js (the package's bin) plus chunks that load on first use.
//
//   node --import tsx scripts/build.ts
//
// Every dynamic import() in the sources (the commands, the wizard, the Azure SDKs, the certificate toolkit)
// becomes its own chunk, so a start loads only what it runs. The typecheck is tsc's job (npm test).
import {readFileSync} from 'node:fs';
import {mkdir, rm, writeFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The entry point's output, relative to the project folder (as esbuild's metafile names outputs). */
export const entryOutput = 'dist/cli.js';

/**
 * With code splitting, esbuild gives an import() of a CommonJS package only a `default` export (evanw/esbuild#3245),
 * where Node gives its named exports too (`const {ProvisioningServiceClient} = await import(...)`). Such an
 * import() is pointed at a small ES module that re-exports the package's names, so it works as it does in Node.
 */
const commonJsDynamicImports: esbuild.Plugin = {
  name: 'commonjs-dynamic-imports',
  setup(build) {
    build.onResolve({filter: /^[^./]/}, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'resolving') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0 || resolved.external || !isCommonJs(resolved.path)) {
        return resolved;
      }
      return {path: resolved.path, namespace: 'commonjs-facade'};
    });
    build.onLoad({filter: /.*/, namespace: 'commonjs-facade'}, (args) => {
      const exported = Object.keys(createRequire(args.path)(args.path) as object).filter(
        (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
      );
      return {
        contents: `export {default, ${exported.join(', ')}} from ${JSON.stringify(args.path)};`,
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

/**
 * Whether the file is CommonJS: .cjs, or .js in a package that is not "type": "module" and without import or
 * export statements (the "module" builds that mainFields picks are ES modules in such packages).
 */
function isCommonJs(path: string): boolean {
  if (path.endsWith('.cjs')) return true;
  if (!path.endsWith('.js')) return false;
  if (/^\s*(import|export)\b/m.test(readFileSync(path, 'utf8'))) return false;
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        type?: string;
      };
      return manifest.type !== 'module';
    } catch {
      // no package.json here: look in the parent folder
    }
  }
  return true;
}

// The CommonJS dependencies (azure-iot-provisioning-service, node-forge, ...) call require() for Node's built-in
// modules, which an ES module does not have: an output file that uses require gets its own.
const requireBanner =
  "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);";

export const buildOptions = {
  absWorkingDir: root,
  entryPoints: {cli: 'cli.tsx'},
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ES module builds of the dependencies that ship both: tree-shaken, without CommonJS wrappers.
  mainFields: ['module', 'main'],
  sourcemap: true,
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  // Ink imports it only when DEV=true, and says to install it then; it is not a dependency.
  external: ['react-devtools-core'],
  // React and its reconciler ship a development build (checks and warnings for developers, several times
  // slower to load) chosen by NODE_ENV: the CLI is the production one.
  define: {'process.env.NODE_ENV': '"production"'},
  plugins: [commonJsDynamicImports],
  banner: {js: requireBanner},
} satisfies esbuild.BuildOptions;

/** Builds dist/ from scratch (no stale chunks of an earlier build left behind); returns esbuild's metafile. */
export async function build(): Promise<esbuild.Metafile> {
  await rm(new URL('dist/', pathToFileURL(root)), {recursive: true, force: true});
  const result = await esbuild.build({...buildOptions, write: false});
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), {recursive: true});
    await writeFile(
      file.path,
      file.path.endsWith('.js') ? withoutUnusedRequire(file.text) : file.contents,
    );
  }
  await writeFile(new URL('dist/meta.json', pathToFileURL(root)), JSON.stringify(result.metafile));
  return result.metafile;
}

/**
 * Drops the require banner from an output file that never says `require` (most chunks): createRequire costs a
 * path lookup per file at start-up. The line stays, empty, so the source map still lines up.
 */
function withoutUnusedRequire(code: string): string {
  const rest = code.replace(requireBanner, '');
  return /\brequire\b/.test(rest) ? code : rest;
}

/**
 * The source files that are evaluated when an output file is loaded: its own inputs and those of every chunk it
 * imports statically, transitively. Chunks reached only through import() are not loaded, so not counted.
 */
export function staticInputsOf(metafile: esbuild.Metafile, output: string): string[] {
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const file = metafile.outputs[path];
    if (!file) throw new Error(`${path} is not an output of this build`);
    for (const input of Object.keys(file.inputs)) inputs.add(input);
    for (const imported of file.imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(output);
  return [...inputs].sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build();
}
