// Device registrations against an in-memory sandbox with Microsoft's device SDK, over HTTPS and MQTT:
// median and 90th-percentile latency of one register() (connect, TLS with the client chain, PUT, one poll),
// one device after another, then registrations per second with several devices at once. Client and sandbox
// share this process (and its event loop), so the numbers are an upper bound on the sandbox's own cost.
//
//   node --import tsx bench/device-registration.ts [--devices 40] [--concurrency 8]
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {deviceClient, type DeviceTransport} from '../test/helpers/device-sdk.js';
import {startServiceSdk} from '../test/helpers/service-sdk.js';
import {issue, type Issued} from '../test/helpers/test-certificates.js';

const {values} = parseArgs({
  options: {devices: {type: 'string', default: '40'}, concurrency: {type: 'string', default: '8'}},
});
const devices = Number(values.devices);
const concurrency = Number(values.concurrency);

const sdk = await startServiceSdk({deviceRetryAfterSeconds: 0});
try {
  const {info, caCertificatePem} = sdk.emulator;
  const root = await issue('bench.root', 'ca');
  const intermediate = await issue('bench.intermediate', 'ca', root);
  await sdk.client.createOrUpdateEnrollmentGroup({
    enrollmentGroupId: 'bench-group',
    attestation: {
      type: 'x509',
      x509: {signingCertificates: {primary: {certificate: root.certificatePem}}},
    },
  } as never);

  const identities = async (prefix: string): Promise<Array<{id: string; leaf: Issued}>> =>
    Promise.all(
      Array.from({length: devices}, async (_, index) => {
        const id = `${prefix}-${index}`;
        return {id, leaf: await issue(id, 'identity', intermediate)};
      }),
    );
  const registerOnce = async (transport: DeviceTransport, id: string, leaf: Issued) => {
    const client = deviceClient(
      info,
      caCertificatePem,
      {
        registrationId: id,
        certificateChainPem: leaf.certificatePem + intermediate.certificatePem,
        privateKeyPem: leaf.privateKeyPem,
      },
      transport,
    );
    try {
      const result = await client.register();
      if (result.status !== 'assigned') throw new Error(`${id}: ${JSON.stringify(result)}`);
    } finally {
      client.close();
    }
  };

  console.log(
    `device registrations, group on a root, device presents leaf + intermediate; ${devices} devices per run`,
  );
  for (const transport of ['http', 'mqtt'] as const) {
    const sequential = await identities(`${transport}-seq`);
    await registerOnce(transport, sequential[0]!.id, sequential[0]!.leaf); // warm-up
    const latencies: number[] = [];
    for (const {id, leaf} of sequential) {
      const started = performance.now();
      await registerOnce(transport, id, leaf);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

    const parallel = await identities(`${transport}-par`);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({length: concurrency}, async () => {
        while (next < parallel.length) {
          const {id, leaf} = parallel[next++]!;
          await registerOnce(transport, id, leaf);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${transport.padEnd(5)} one at a time: median ${percentile(0.5).toFixed(1)} ms, p90 ${percentile(0.9).toFixed(1)} ms` +
        ` | ${concurrency} at once: ${(parallel.length / seconds).toFixed(1)} registrations/s`,
    );
  }
} finally {
  await sdk.close();
}
