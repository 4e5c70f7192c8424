import {test} from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import {buildOptions, entryOutput, staticInputsOf} from '../../scripts/build.js';

// The bundle is built in memory with the real build options: dist/ is left alone for the tests that run it.
// Paths stay as the project sees them (node_modules/...) when node_modules is a link to another folder.
const built = esbuild.build({
  ...buildOptions,
  write: false,
  logLevel: 'silent',
  preserveSymlinks: true,
});

/** The output esbuild made for a module that is loaded with import(). */
async function chunkOf(entryPoint: string): Promise<string> {
  const {metafile} = await built;
  const found = Object.entries(metafile.outputs).find(
    ([, output]) => output.entryPoint === entryPoint,
  );
  assert.ok(found, `${entryPoint} has a chunk of its own`);
  return found[0];
}

const heavy = [
  /^node_modules\/@azure\//,
  /^node_modules\/azure-iot-/,
  /^node_modules\/@peculiar\//,
  /^node_modules\/node-forge\//,
  /^node_modules\/reflect-metadata\//,
  /^node_modules\/tsyringe\//,
];

test('starting the CLI loads neither the Azure SDKs, the certificate libraries, the emulator nor the wizard', async () => {
  const loaded = staticInputsOf((await built).metafile, entryOutput);
  assert.ok(loaded.includes('cli.tsx'));
  const unwanted = loaded.filter(
    (input) =>
      heavy.some((pattern) => pattern.test(input)) ||
      /^node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(input) ||
      // state-dir.ts only names the default folder, for `emulator --help`
      (input.startsWith('source/emulator/') && input !== 'source/emulator/state-dir.ts') ||
      input.startsWith('source/wizard/runtime/run-wizard') ||
      input.startsWith('source/certs/'),
  );
  assert.deepEqual(unwanted, []);
});

test('the wizard loads the Azure SDKs and the emulator only when it connects', async () => {
  const {metafile} = await built;
  const loaded = staticInputsOf(metafile, await chunkOf('source/wizard/runtime/run-wizard.tsx'));
  assert.ok(loaded.some((input) => input.startsWith('node_modules/ink/')));
  const unwanted = loaded.filter(
    (input) =>
      heavy.slice(0, 2).some((pattern) => pattern.test(input)) ||
      input === 'source/emulator/emulator.ts',
  );
  assert.deepEqual(unwanted, []);
});

test("the wizard reads certificate and key files (a device's too) with a toolkit loaded on first use", async () => {
  const {metafile} = await built;
  const loaded = staticInputsOf(metafile, await chunkOf('source/wizard/runtime/run-wizard.tsx'));
  assert.deepEqual(
    loaded.filter(
      (input) => /^node_modules\/node-forge\//.test(input) || input === 'source/certs/read.ts',
    ),
    [],
  );
});

test('certs create-chain loads no ASN.1 library and no PKCS#12 reader', async () => {
  const {metafile} = await built;
  const loaded = staticInputsOf(metafile, await chunkOf('source/commands/certs-create-chain.ts'));
  assert.ok(loaded.includes('source/certs/test-chain.ts'));
  assert.deepEqual(
    loaded.filter((input) => heavy.some((pattern) => pattern.test(input))),
    [],
  );
});

test('import() of a CommonJS SDK keeps its named exports, as in Node', async () => {
  const {metafile} = await built;
  const [, sdk] =
    Object.entries(metafile.outputs).find(([, output]) =>
      output.entryPoint?.includes('node_modules/azure-iot-provisioning-service/'),
    ) ?? [];
  assert.ok(sdk, 'the service SDK has a chunk of its own');
  assert.ok(sdk.exports.includes('ProvisioningServiceClient'), sdk.exports.join(', '));
});
