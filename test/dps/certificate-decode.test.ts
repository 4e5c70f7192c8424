import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {certificateKeyType} from '../../source/dps/certificate-decode.js';
import {issue} from '../helpers/test-certificates.js';

describe('certificateKeyType', () => {
  test('names RSA by its modulus and EC by its NIST curve, from PEM or base64 of DER', async () => {
    const rsa = await issue('rsa-root', 'ca', undefined, {algorithm: 'rsa-2048'});
    const ec = await issue('ec-root', 'ca');
    assert.equal(certificateKeyType(rsa.certificatePem), 'RSA 2048');
    assert.equal(certificateKeyType(ec.certificatePem), 'EC P-256');
    const der = ec.certificatePem.split('\n').slice(1, -2).join('');
    assert.equal(certificateKeyType(der), 'EC P-256');
  });

  test('anything that is not a certificate has no key type', () => {
    assert.equal(certificateKeyType('not a certificate'), undefined);
    assert.equal(certificateKeyType(''), undefined);
  });
});
