import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import type {SharedAccessSignatureAuthorizationRuleAccessRightsDescription} from '@azure/arm-deviceprovisioningservices';
import type {RestError} from '@azure/core-rest-pipeline';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import type {IndividualEnrollment} from 'azure-iot-provisioning-service/dist/interfaces.js';
import {issueCertificate} from '../../source/certs/issue.js';
import {generatePrivateKey} from '../../source/certs/key-pairs.js';
import {signVerificationCertificate} from '../../source/certs/verification.js';
import {
  armClient,
  dpsPath,
  emulatorForFile,
  rawRequest,
  serviceAgent,
} from '../helpers/emulator-http.js';
import {makeCa, signedBy} from '../helpers/test-certificates.js';

const emulator = emulatorForFile();

async function armFailure(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    return error as RestError;
  }
  assert.fail('the ARM call should have failed');
}

test('the DPS resource: get, list by subscription and by resource group', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const dps = await client.iotDpsResource.get(info.dpsName, info.resourceGroup);
  assert.equal(dps.name, info.dpsName);
  assert.equal(dps.id, dpsPath(info));
  assert.equal(dps.properties.idScope, info.idScope);
  assert.match(dps.properties.idScope ?? '', /^0ne[0-9A-F]{8}$/);
  assert.equal(dps.properties.serviceOperationsHostName, 'localhost');
  assert.equal(dps.properties.allocationPolicy, 'Hashed');
  const hubs = dps.properties.iotHubs ?? [];
  assert.ok(hubs.length >= 2);
  for (const hub of hubs) assert.match(hub.name ?? '', /^[a-z0-9-]+\.azure-devices\.net$/);
  assert.equal(
    new Set(hubs.map((hub) => hub.location)).size,
    hubs.length,
    'hubs in different locations',
  );

  const bySubscription = [];
  for await (const item of client.iotDpsResource.listBySubscription())
    bySubscription.push(item.name);
  assert.deepEqual(bySubscription, [info.dpsName]);
  const byGroup = [];
  for await (const item of client.iotDpsResource.listByResourceGroup(info.resourceGroup)) {
    byGroup.push(item.name);
  }
  assert.deepEqual(byGroup, [info.dpsName]);
});

test('listkeys: an owner policy with ServiceConfig and EnrollmentWrite, and a read-only one', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const keys = [];
  for await (const key of client.iotDpsResource.listKeys(info.dpsName, info.resourceGroup))
    keys.push(key);
  const owner = keys.find((key) => key.keyName === 'provisioningserviceowner');
  assert.ok(owner);
  const ownerRights = owner.rights.split(', ');
  assert.ok(ownerRights.includes('ServiceConfig') && ownerRights.includes('EnrollmentWrite'));
  assert.ok(info.connectionString.endsWith(`SharedAccessKey=${owner.primaryKey}`));
  const readOnly = keys.find((key) => !key.rights.split(', ').includes('EnrollmentWrite'));
  assert.ok(readOnly, 'a policy without EnrollmentWrite');
  assert.ok(readOnly.rights.split(', ').includes('EnrollmentRead'));

  const one = await client.iotDpsResource.listKeysForKeyName(
    info.dpsName,
    readOnly.keyName,
    info.resourceGroup,
  );
  assert.equal(one.primaryKey, readOnly.primaryKey);
  const missing = await armFailure(
    client.iotDpsResource.listKeysForKeyName(info.dpsName, 'no-such-policy', info.resourceGroup),
  );
  assert.equal(missing.statusCode, 404);
});

test('a service connection string built from listkeys works with the service SDK', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const dps = await client.iotDpsResource.get(info.dpsName, info.resourceGroup);
  const keys: SharedAccessSignatureAuthorizationRuleAccessRightsDescription[] = [];
  for await (const key of client.iotDpsResource.listKeys(info.dpsName, info.resourceGroup)) {
    keys.push(key);
  }
  const connect = (keyName: string) => {
    const key = keys.find((candidate) => candidate.keyName === keyName)!;
    const service = ProvisioningServiceClient.fromConnectionString(
      `HostName=${dps.properties.serviceOperationsHostName};SharedAccessKeyName=${key.keyName};SharedAccessKey=${key.secondaryKey}`,
    );
    (
      service as unknown as {_restApiClient: {setOptions(options: object): void}}
    )._restApiClient.setOptions({http: {agent: serviceAgent(emulator)}});
    return service;
  };
  const ca = await makeCa('emulator-test-root');
  const enrollment = {
    registrationId: 'from-listkeys-01',
    attestation: {
      type: 'x509',
      x509: {
        clientCertificates: {
          primary: {certificate: (await signedBy(ca, 'from-listkeys-01')).certificatePem},
        },
      },
    },
    capabilities: {iotEdge: true},
  } as unknown as IndividualEnrollment; // the SDK typings mark server fields as required
  const owner = connect('provisioningserviceowner');
  const created = await owner.createOrUpdateIndividualEnrollment(enrollment);
  assert.equal(created.responseBody.registrationId, 'from-listkeys-01');
  assert.equal(created.responseBody.capabilities?.iotEdge, true);

  const readOnlyName = keys.find((key) => !key.rights.includes('EnrollmentWrite'))!.keyName;
  const reader = connect(readOnlyName);
  const fetched = await reader.getIndividualEnrollment('from-listkeys-01');
  assert.equal(fetched.responseBody.registrationId, 'from-listkeys-01');
  await assert.rejects(
    reader.createOrUpdateIndividualEnrollment({...enrollment, registrationId: 'from-listkeys-02'}),
    (error: {response?: {statusCode?: number}}) => error.response?.statusCode === 401,
  );
});

test('proof of possession through the ARM SDK: code, stale etag, wrong key, verified', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const ca = await makeCa('pop-root');
  const der = new X509Certificate(ca.certificatePem).raw;
  const uploaded = await client.dpsCertificate.createOrUpdate(
    info.resourceGroup,
    info.dpsName,
    'pop-root',
    {
      properties: {certificate: new Uint8Array(der)},
    },
  );
  assert.equal(uploaded.properties?.isVerified, false);
  assert.equal(uploaded.properties?.subject, 'CN=pop-root');
  assert.equal(
    uploaded.properties?.thumbprint,
    new X509Certificate(ca.certificatePem).fingerprint.replace(/:/g, ''),
  );
  assert.deepEqual(Buffer.from(uploaded.properties?.certificate ?? []), der);
  const uploadEtag = uploaded.etag!;

  const code = await client.dpsCertificate.generateVerificationCode(
    'pop-root',
    uploadEtag,
    info.resourceGroup,
    info.dpsName,
  );
  const verificationCode = code.properties?.verificationCode ?? '';
  assert.match(verificationCode, /^[0-9A-F]{48}$/);
  assert.notEqual(code.etag, uploadEtag, 'generating a code changes the etag');
  const second = await client.dpsCertificate.generateVerificationCode(
    'pop-root',
    code.etag!,
    info.resourceGroup,
    info.dpsName,
  );
  assert.notEqual(second.properties?.verificationCode, verificationCode, 'a new code each call');
  const currentCode = second.properties!.verificationCode!;
  const currentEtag = second.etag!;

  const proof = await signVerificationCertificate({
    caCertificatePem: ca.certificatePem,
    caPrivateKeyPem: ca.privateKeyPem,
    verificationCode: currentCode,
  });
  const stale = await armFailure(
    client.dpsCertificate.verifyCertificate(
      'pop-root',
      uploadEtag,
      info.resourceGroup,
      info.dpsName,
      {
        certificate: proof.certificatePem,
      },
    ),
  );
  assert.equal(stale.statusCode, 412);
  assert.match(stale.message, /Invalid ETag/);

  // Same subject name, different key: the signature does not verify with the uploaded CA's key.
  const impostor = await makeCa('pop-root');
  const forged = await signVerificationCertificate({
    caCertificatePem: impostor.certificatePem,
    caPrivateKeyPem: impostor.privateKeyPem,
    verificationCode: currentCode,
  });
  const rejected = await armFailure(
    client.dpsCertificate.verifyCertificate(
      'pop-root',
      currentEtag,
      info.resourceGroup,
      info.dpsName,
      {
        certificate: forged.certificatePem,
      },
    ),
  );
  assert.equal(rejected.statusCode, 400);
  assert.match(rejected.message, /Proof-Of-Possession failed/);

  const oldCode = await signVerificationCertificate({
    caCertificatePem: ca.certificatePem,
    caPrivateKeyPem: ca.privateKeyPem,
    verificationCode,
  });
  const wrongCode = await armFailure(
    client.dpsCertificate.verifyCertificate(
      'pop-root',
      currentEtag,
      info.resourceGroup,
      info.dpsName,
      {
        certificate: oldCode.certificatePem,
      },
    ),
  );
  assert.equal(wrongCode.statusCode, 400, 'only the current code counts');

  const expired = await issueCertificate({
    subject: currentCode,
    subjectKeyPem: await generatePrivateKey('ec-p256'),
    issuer: ca,
    profile: 'verification',
    notBefore: new Date(Date.now() - 3 * 24 * 3600 * 1000),
    validityDays: 1,
  });
  const notNow = await armFailure(
    client.dpsCertificate.verifyCertificate(
      'pop-root',
      currentEtag,
      info.resourceGroup,
      info.dpsName,
      {
        certificate: expired,
      },
    ),
  );
  assert.equal(notNow.statusCode, 400);
  assert.match(notNow.message, /not valid now/);

  const verified = await client.dpsCertificate.verifyCertificate(
    'pop-root',
    currentEtag,
    info.resourceGroup,
    info.dpsName,
    {certificate: Buffer.from(proof.certificatePem).toString('base64')},
  );
  assert.equal(verified.properties?.isVerified, true);
  assert.notEqual(verified.etag, currentEtag, 'verifying changes the etag');
  const fetched = await client.dpsCertificate.get('pop-root', info.resourceGroup, info.dpsName);
  assert.equal(fetched.properties?.isVerified, true);
  assert.equal(fetched.etag, verified.etag);
});

test('verified on upload, list, update needs the etag, delete needs the etag', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const ca = await makeCa('verified-root');
  const uploaded = await client.dpsCertificate.createOrUpdate(
    info.resourceGroup,
    info.dpsName,
    'verified-root',
    {
      properties: {
        certificate: new Uint8Array(new X509Certificate(ca.certificatePem).raw),
        isVerified: true,
      },
    },
  );
  assert.equal(uploaded.properties?.isVerified, true);

  const names = (await client.dpsCertificate.list(info.resourceGroup, info.dpsName)).value?.map(
    (certificate) => certificate.name,
  );
  assert.ok(names?.includes('verified-root'));

  const other = await makeCa('other-root');
  const overwrite = await armFailure(
    client.dpsCertificate.createOrUpdate(info.resourceGroup, info.dpsName, 'verified-root', {
      properties: {certificate: new Uint8Array(new X509Certificate(other.certificatePem).raw)},
    }),
  );
  assert.equal(overwrite.statusCode, 412, 'replacing an existing certificate needs its etag');

  const replaced = await client.dpsCertificate.createOrUpdate(
    info.resourceGroup,
    info.dpsName,
    'verified-root',
    {properties: {certificate: new Uint8Array(new X509Certificate(other.certificatePem).raw)}},
    {ifMatch: uploaded.etag},
  );
  assert.equal(replaced.properties?.subject, 'CN=other-root');
  assert.equal(replaced.properties?.isVerified, false, 'a different certificate starts unverified');

  const staleDelete = await armFailure(
    client.dpsCertificate.delete(info.resourceGroup, uploaded.etag!, info.dpsName, 'verified-root'),
  );
  assert.equal(staleDelete.statusCode, 412);
  await client.dpsCertificate.delete(
    info.resourceGroup,
    replaced.etag!,
    info.dpsName,
    'verified-root',
  );
  const gone = await armFailure(
    client.dpsCertificate.get('verified-root', info.resourceGroup, info.dpsName),
  );
  assert.equal(gone.statusCode, 404);
});

test('certificate bodies: the old top-level shape, base64 of PEM and PEM text are accepted', async () => {
  const ca = await makeCa('shapes-root');
  const base = `${dpsPath(emulator.info)}/certificates`;
  const auth = {authorization: `Bearer ${emulator.info.armToken}`};
  const thumbprint = new X509Certificate(ca.certificatePem).fingerprint.replace(/:/g, '');
  const bodies = [
    {certificate: ca.certificatePem},
    {certificate: Buffer.from(ca.certificatePem).toString('base64'), isVerified: true},
    {
      properties: {
        certificate: Buffer.from(Buffer.from(ca.certificatePem).toString('base64')).toString(
          'base64',
        ),
      },
    },
  ];
  for (const [index, body] of bodies.entries()) {
    const response = await rawRequest(
      emulator,
      'PUT',
      `${base}/shape-${index}?api-version=2021-10-15`,
      {
        headers: auth,
        body,
      },
    );
    assert.equal(response.status, 200, response.text);
    const properties = (response.body as {properties: {thumbprint: string; isVerified: boolean}})
      .properties;
    assert.equal(properties.thumbprint, thumbprint);
    assert.equal(properties.isVerified, index === 1);
  }
  const garbage = await rawRequest(emulator, 'PUT', `${base}/garbage?api-version=2022-02-05`, {
    headers: auth,
    body: {properties: {certificate: 'bm90IGEgY2VydGlmaWNhdGU='}},
  });
  assert.equal(garbage.status, 400);
  assert.match(String(garbage.headers['content-type']), /application\/json/);
  const error = garbage.body as Record<string, unknown>;
  assert.equal(error.code, 400004);
  assert.equal(error.httpStatusCode, 'BadRequest');
  assert.match(String(error.message), /errorcode: IH400004\.$/);
});

test('ARM errors: unknown subscription, resource group, DPS and certificate are 404; api-version is required', async () => {
  const {info} = emulator;
  const auth = {authorization: `Bearer ${info.armToken}`};
  const paths = [
    `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Devices/provisioningServices`,
    `/subscriptions/${info.subscriptionId}/resourceGroups/nope/providers/Microsoft.Devices/provisioningServices`,
    `/subscriptions/${info.subscriptionId}/resourceGroups/${info.resourceGroup}/providers/Microsoft.Devices/provisioningServices/nope`,
    `${dpsPath(info)}/certificates/nope`,
  ];
  for (const path of paths) {
    const response = await rawRequest(emulator, 'GET', `${path}?api-version=2022-02-05`, {
      headers: auth,
    });
    assert.equal(response.status, 404, path);
    assert.equal((response.body as {httpStatusCode: string}).httpStatusCode, 'NotFound');
  }
  // Routes and names are case-insensitive, as in ARM.
  const upperCase = await rawRequest(
    emulator,
    'GET',
    `${dpsPath(info).toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')}?api-version=2022-02-05`,
    {headers: auth},
  );
  assert.equal(upperCase.status, 200);
  const noVersion = await rawRequest(emulator, 'GET', dpsPath(info), {headers: auth});
  assert.equal(noVersion.status, 400);
  const wrongMethod = await rawRequest(emulator, 'DELETE', `${dpsPath(info)}?api-version=1`, {
    headers: auth,
  });
  assert.equal(wrongMethod.status, 405);
});

test('certificate names are checked as ARM does: 400 with the ARM error body, on every certificate route', async () => {
  const client = armClient(emulator);
  const {info} = emulator;
  const ca = await makeCa('named-root');
  const upload = (name: string) =>
    client.dpsCertificate.createOrUpdate(info.resourceGroup, info.dpsName, name, {
      properties: {
        certificate: new Uint8Array(new X509Certificate(ca.certificatePem).raw),
        isVerified: true,
      },
    });
  const refused: Array<[string, RegExp]> = [
    ['../../x', /contains '\/', which is not allowed/],
    ['root\nca', /contains the control character U\+000A/],
    ['root ca', /contains a space/],
    ['root.', /cannot end with '\.'/],
    ['x'.repeat(257), /is 257 characters long; at most 256/],
  ];
  for (const [name, message] of refused) {
    const failure = await armFailure(upload(name));
    assert.equal(failure.statusCode, 400, JSON.stringify(name));
    assert.match(failure.message, message);
    assert.match(failure.message, /errorcode: IH400002\./);
  }
  const longest = 'a'.repeat(256);
  assert.equal((await upload(longest)).name, longest);
  assert.equal((await upload('Contoso_root-CA.2026')).name, 'Contoso_root-CA.2026');

  const auth = {authorization: `Bearer ${info.armToken}`};
  for (const [method, suffix] of [
    ['GET', ''],
    ['DELETE', ''],
    ['POST', '/generateVerificationCode'],
    ['POST', '/verify'],
  ] as const) {
    const response = await rawRequest(
      emulator,
      method,
      `${dpsPath(info)}/certificates/..%2F..%2Fx${suffix}?api-version=2022-02-05`,
      {headers: {...auth, 'if-match': '*'}},
    );
    assert.equal(response.status, 400, `${method} ${suffix}`);
    assert.deepEqual(Object.keys(response.body as object).sort(), [
      'code',
      'details',
      'httpStatusCode',
      'message',
    ]);
  }
  const notGuid = await rawRequest(
    emulator,
    'GET',
    `/subscriptions/x%0Ay/providers/Microsoft.Devices/provisioningServices?api-version=2022-02-05`,
    {headers: auth},
  );
  assert.equal(notGuid.status, 400);
  assert.match(
    (notGuid.body as {message: string}).message,
    /subscription identifier "x\\ny" is malformed/,
  );
});
