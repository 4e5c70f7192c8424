// One measurement step of bench/sandbox-scale.ts, run in its own process against the code of one source tree
// (this checkout or a temporary checkout of another branch), so that restart time and memory are a cold process's.
//
//   node --import tsx bench/sandbox-scale-child.ts seed|measure --root DIR --state DIR [--records N] [--page N]
//
// Prints one JSON line on stdout. It only uses what both trees have: Store.open/apply/close, startEmulator,
// validateRecord, and the certificate issuer.
import https from 'node:https';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';

const {positionals, values} = parseArgs({
  allowPositionals: true,
  options: {
    root: {type: 'string'},
    state: {type: 'string'},
    records: {type: 'string', default: '100000'},
    page: {type: 'string', default: '100'},
  },
});
const root = values.root!;
const stateDir = values.state!;

async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(join(root, 'source', relative)).href)) as T;
}

type StoreModule = typeof import('../source/emulator/store.js');
type EmulatorModule = typeof import('../source/emulator/emulator.js');

/** Writes N individual enrollments shaped as the service API stores them, 100 per apply() as bulk calls would. */
async function seed(records: number) {
  const {Store} = await load<StoreModule>('emulator/store.js');
  const {validateRecord} =
    await load<typeof import('../source/emulator/validation.js')>('emulator/validation.js');
  const {individualEnrollments} = await load<
    typeof import('../source/emulator/service-records.js')
  >('emulator/service-records.js');
  const {generatePrivateKey} =
    await load<typeof import('../source/certs/key-pairs.js')>('certs/key-pairs.js');
  const {issueCertificate} =
    await load<typeof import('../source/certs/issue.js')>('certs/issue.js');
  const key = await generatePrivateKey('ec-p256');
  const certificate = await issueCertificate({
    subject: 'bench-device',
    subjectKeyPem: key,
    profile: 'identity',
    validityDays: 365,
  });
  const fields = validateRecord(
    individualEnrollments,
    {
      registrationId: 'bench-device',
      attestation: {type: 'x509', x509: {clientCertificates: {primary: {certificate}}}},
      initialTwin: {tags: {site: 'bench'}, properties: {desired: {}}},
      provisioningStatus: 'enabled',
    },
    undefined,
    {previous: undefined, linkedHubHostNames: []},
  );
  const store = await Store.open(stateDir);
  const now = new Date().toISOString();
  const batch = 100;
  for (let start = 0; start < records; start += batch) {
    const operations = [];
    for (let index = start; index < Math.min(records, start + batch); index++) {
      // Written out of id order, so that the order of the answer is the store's doing.
      const id = `device-${String((index * 7919) % records).padStart(6, '0')}`;
      operations.push({
        collection: 'enrollments' as const,
        id,
        value: {
          ...fields,
          registrationId: id,
          etag: `"${index.toString(16).padStart(8, '0')}"`,
          createdDateTimeUtc: now,
          lastUpdatedDateTimeUtc: now,
        },
      });
    }
    await store.apply(operations);
  }
  let started = performance.now();
  await store.close();
  const closeMs = performance.now() - started;
  // The first start after the bulk replays or folds the journal as the store does (if it does); the measured
  // start is the next one.
  started = performance.now();
  const settled = await Store.open(stateDir);
  const firstStartMs = performance.now() - started;
  await settled.close();
  return {records, closeMs, firstStartMs};
}

async function measure(pageSize: number) {
  const {startEmulator} = await load<EmulatorModule>('emulator/emulator.js');
  const started = performance.now();
  const emulator = await startEmulator({stateDir, port: 0});
  const restartMs = performance.now() - started;
  const rssMb = process.memoryUsage().rss / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1e3;
  const agent = Object.assign(new https.Agent({ca: emulator.caCertificatePem, keepAlive: true}), {
    defaultPort: emulator.info.port,
  });
  const client = ProvisioningServiceClient.fromConnectionString(emulator.info.connectionString);
  (
    client as unknown as {_restApiClient: {setOptions(options: object): void}}
  )._restApiClient.setOptions({http: {agent}});
  try {
    const firstPages: number[] = [];
    for (let round = 0; round < 7; round++) {
      const query = client.createIndividualEnrollmentQuery({query: '*'}, pageSize);
      const pageStarted = performance.now();
      await query.next(query.continuationToken);
      firstPages.push(performance.now() - pageStarted);
    }
    const scanStarted = performance.now();
    const query = client.createIndividualEnrollmentQuery({query: '*'}, pageSize);
    let seen = 0;
    let pages = 0;
    const ids = new Set<string>();
    while (query.hasMoreResults) {
      const page = await query.next(query.continuationToken);
      const items = page.responseBody as unknown as Array<{registrationId: string}>;
      for (const item of items) ids.add(item.registrationId.toLowerCase());
      seen += items.length;
      pages++;
    }
    const scanMs = performance.now() - scanStarted;
    return {
      restartMs,
      rssMb,
      peakRssMb,
      firstPageMs: median(firstPages),
      scanMs,
      pages,
      seen,
      distinct: ids.size,
    };
  } finally {
    agent.destroy();
    await emulator.close();
  }
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const [step] = positionals;
const result =
  step === 'seed' ? await seed(Number(values.records)) : await measure(Number(values.page));
process.stdout.write(`${JSON.stringify(result)}\n`);
