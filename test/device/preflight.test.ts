import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {preflightRegistration} from '../../source/device/preflight.js';
import {hasErrors, type Finding} from '../../source/certs/findings.js';
import {ecChain, issue, type Issued} from '../helpers/test-certificates.js';

const codes = (findings: Finding[]) => findings.map((finding) => finding.code);
const cert = (issued: Issued) => new X509Certificate(issued.certificatePem);
const key = (issued: Issued) => createPrivateKey(issued.privateKeyPem);

let chain: Awaited<ReturnType<typeof ecChain>>;
let otherRoot: Issued;

describe('preflightRegistration', () => {
  before(async () => {
    chain = await ecChain('edge-device-01');
    otherRoot = await issue('test-root', 'ca');
  });

  test('a full chain that reaches the group CA, with its key, passes', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf), cert(chain.intermediate)],
      privateKey: key(chain.leaf),
      expectedCa: cert(chain.root),
    });
    assert.ok(!hasErrors(findings), JSON.stringify(findings));
    assert.ok(codes(findings).includes('key-matches'));
    assert.ok(codes(findings).includes('chain-reaches-ca'));
  });

  test('a key of another certificate is an error', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf), cert(chain.intermediate)],
      privateKey: key(chain.intermediate),
    });
    assert.ok(codes(findings).includes('key-mismatch'));
  });

  test('a registration ID other than the CN is an error', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf)],
      privateKey: key(chain.leaf),
      registrationId: 'edge-device-02',
    });
    assert.ok(codes(findings).includes('registration-id-mismatch'));
  });

  test('the leaf alone, when an intermediate sits between it and the group CA, is incomplete', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf)],
      privateKey: key(chain.leaf),
      expectedCa: cert(chain.root),
    });
    assert.ok(codes(findings).includes('chain-incomplete'));
  });

  test('a chain that ends at another root with the same name misses the group CA', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf), cert(chain.intermediate), cert(chain.root)],
      privateKey: key(chain.leaf),
      expectedCa: cert(otherRoot),
    });
    assert.ok(codes(findings).includes('chain-misses-ca'));
  });

  test('an expired leaf is reported once', () => {
    const findings = preflightRegistration({
      chain: [cert(chain.leaf), cert(chain.intermediate)],
      privateKey: key(chain.leaf),
      now: new Date(Date.now() + 400 * 24 * 60 * 60 * 1000),
    });
    assert.equal(
      findings.filter((finding) => finding.code === 'expired' && /identity/.test(finding.message))
        .length,
      1,
    );
    assert.ok(hasErrors(findings));
  });

  test('an individual enrollment: the leaf must be the enrolled certificate', async () => {
    const other = await issue('edge-device-01', 'identity', chain.intermediate);
    const findings = preflightRegistration({
      chain: [cert(chain.leaf)],
      privateKey: key(chain.leaf),
      enrolledCertificate: cert(other),
    });
    assert.ok(codes(findings).includes('not-the-enrolled-certificate'));
    const same = preflightRegistration({
      chain: [cert(chain.leaf)],
      privateKey: key(chain.leaf),
      enrolledCertificate: cert(chain.leaf),
    });
    assert.ok(!hasErrors(same), JSON.stringify(same));
  });

  test('no certificate at all', () => {
    assert.deepEqual(codes(preflightRegistration({chain: [], privateKey: key(chain.leaf)})), [
      'no-certificate',
    ]);
  });
});
