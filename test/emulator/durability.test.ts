import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnEmulator, type EmulatorProcess} from '../helpers/emulator-process.js';
import {makeCa} from '../helpers/test-certificates.js';
import {dpsPath, ownerSas, rawRequest} from '../helpers/emulator-http.js';

const writers = 12;
const killAfterAcknowledged = 150;
const rounds = 3;

type Acknowledged = {kind: 'enrollment' | 'certificate'; id: string; etag: string};

test('kill -9 mid-writes, restart on the same folder: every acknowledged write is there', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'dps-enroll-durability-'));
  const ca = await makeCa('durability-root');
  const acknowledged: Acknowledged[] = [];
  let running: EmulatorProcess | undefined;
  let firstInfo: EmulatorProcess['info'] | undefined;
  try {
    // Several rounds: each restart also recovers from the previous kill's torn journal tail.
    for (let round = 0; round < rounds; round++) {
      running = await spawnEmulator(['--state-dir', stateDir]);
      firstInfo ??= running.info;
      assert.equal(running.info.connectionString, firstInfo.connectionString);
      const before = acknowledged.length;
      await writeUntilKilled(running, round, ca.certificatePem, acknowledged);
      assert.notEqual(await running.exited, 0);
      t.diagnostic(
        `round ${round}: ${acknowledged.length - before} writes acknowledged before the kill`,
      );
    }

    running = await spawnEmulator(['--state-dir', stateDir]);
    const target = await targetOf(running);
    const sas = ownerSas(running.info);
    for (const write of acknowledged) {
      const response =
        write.kind === 'enrollment'
          ? await rawRequest(target, 'GET', `/enrollments/${write.id}?api-version=2021-10-01`, {
              headers: {authorization: sas},
            })
          : await rawRequest(
              target,
              'GET',
              `${dpsPath(target.info)}/certificates/${write.id}?api-version=2022-02-05`,
              {headers: {authorization: `Bearer ${target.info.armToken}`}},
            );
      assert.equal(response.status, 200, `${write.kind} ${write.id} was acknowledged but is gone`);
      assert.equal(
        (response.body as {etag: string}).etag,
        write.etag,
        `${write.id} has its acknowledged etag`,
      );
    }
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  } finally {
    running?.child.kill('SIGKILL');
    await rm(stateDir, {recursive: true, force: true});
  }
});

async function targetOf(emulator: EmulatorProcess) {
  return {info: emulator.info, caCertificatePem: await readFile(emulator.info.caCertFile, 'utf8')};
}

/** Concurrent writers (enrollments, and CA certificates through ARM) until the process is killed. */
async function writeUntilKilled(
  emulator: EmulatorProcess,
  round: number,
  caCertificatePem: string,
  acknowledged: Acknowledged[],
) {
  const target = await targetOf(emulator);
  const sas = ownerSas(emulator.info);
  const goal = acknowledged.length + killAfterAcknowledged;
  let killed = false;
  const writer = async (index: number) => {
    for (let sequence = 0; ; sequence++) {
      const certificate = index === 0;
      const id = `durable-${round}-${index}-${sequence}`;
      try {
        const response = certificate
          ? await rawRequest(
              target,
              'PUT',
              `${dpsPath(target.info)}/certificates/${id}?api-version=2022-02-05`,
              {
                headers: {authorization: `Bearer ${target.info.armToken}`},
                body: {properties: {certificate: caCertificatePem}},
              },
            )
          : await rawRequest(target, 'PUT', `/enrollments/${id}?api-version=2021-10-01`, {
              headers: {authorization: sas},
              body: {
                registrationId: id,
                attestation: {type: 'symmetricKey'},
                initialTwin: {tags: {round, writer: index, sequence}},
              },
            });
        assert.equal(response.status, 200, response.text);
        acknowledged.push({
          kind: certificate ? 'certificate' : 'enrollment',
          id,
          etag: (response.body as {etag: string}).etag,
        });
        if (acknowledged.length >= goal && !killed) {
          killed = true;
          emulator.child.kill('SIGKILL');
        }
      } catch (error) {
        if (killed) return; // the connection died with the process: not acknowledged
        throw error;
      }
    }
  };
  await Promise.all(Array.from({length: writers}, (_, index) => writer(index)));
}
