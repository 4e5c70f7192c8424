// Bundles the CLI into dist/ with esbuild: dist/cli.js (the package's bin) plus chunks that load on first use.
//
//   node --import tsx scripts/build.ts
//
// Every dynamic import() in the sources (the commands, the wizard, the Azure SDKs, the certificate toolkit)
// becomes its own chunk, so a start loads only what it runs. The typecheck is tsc's job (npm test).
import {rm, writeFile} from 'node:fs/promises';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The entry point's output, relative to the project folder (as esbuild's metafile names outputs). */
export const entryOutput = 'dist/cli.js';

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
  metafile: true,
  logLevel: 'warning',
  // Ink imports it only when DEV=true, and says to install it then; it is not a dependency.
  external: ['react-devtools-core'],
  // The CommonJS dependencies (azure-iot-provisioning-service, node-forge, ...) call require() for Node's
  // built-in modules, which an ES module does not have: every output file gets its own.
  banner: {
    js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
  },
} satisfies esbuild.BuildOptions;

/** Builds dist/ from scratch (no stale chunks of an earlier build left behind); returns esbuild's metafile. */
export async function build(): Promise<esbuild.Metafile> {
  await rm(new URL('dist/', pathToFileURL(root)), {recursive: true, force: true});
  const result = await esbuild.build(buildOptions);
  await writeFile(new URL('dist/meta.json', pathToFileURL(root)), JSON.stringify(result.metafile));
  return result.metafile;
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
