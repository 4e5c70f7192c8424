import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import https from 'node:https';
import {connect, type TLSSocket} from 'node:tls';
import {startServiceSdk} from '../helpers/service-sdk.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
let intermediate: Issued;
let device: Issued;
const id = 'tls-device-01';

before(async () => {
  sdk = await startServiceSdk({deviceRetryAfterSeconds: 0});
  const root = await issue('device-api-tls.root', 'ca');
  intermediate = await issue('device-api-tls.intermediate', 'ca', root);
  device = await issue(id, 'identity', intermediate);
  await sdk.client.createOrUpdateEnrollmentGroup({
    enrollmentGroupId: 'tls-group',
    attestation: {
      type: 'x509',
      x509: {signingCertificates: {primary: {certificate: root.certificatePem}}},
    },
  } as never);
});
after(() => sdk.close());

/** One PUT register over a new connection of `agent`; the status and whether TLS resumed a session. */
function putRegister(agent: https.Agent): Promise<{status: number; reused: boolean}> {
  const {info} = sdk.emulator;
  const body = JSON.stringify({registrationId: id});
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: info.deviceHost,
        port: info.port,
        method: 'PUT',
        path: `/${info.idScope}/registrations/${id}/register?api-version=2021-06-01`,
        agent,
        headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)},
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            reused: (response.socket as TLSSocket).isSessionReused(),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

test('every HTTPS connection presents its chain afresh: a client offering its cached session still gets a full handshake', async () => {
  // No keep-alive: each request opens a connection, and the agent offers the session it cached.
  const agent = new https.Agent({
    ca: sdk.emulator.caCertificatePem,
    cert: device.certificatePem + intermediate.certificatePem,
    key: device.privateKeyPem,
    keepAlive: false,
  });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const {status, reused} = await putRegister(agent);
      assert.equal(status, 202, `attempt ${attempt}`);
      assert.equal(reused, false, `attempt ${attempt}`);
    }
  } finally {
    agent.destroy();
  }
});

/** A raw MQTT-over-TLS connection with the device's chain; collects what the sandbox sends. */
async function mqttConnection() {
  const {info, caCertificatePem} = sdk.emulator;
  const socket = connect({
    host: info.deviceHost,
    port: info.mqttPort,
    ca: caCertificatePem,
    cert: device.certificatePem + intermediate.certificatePem,
    key: device.privateKeyPem,
    servername: info.deviceHost,
  });
  await once(socket, 'secureConnect');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = once(socket, 'close');
  return {socket, received: () => Buffer.concat(received), closed};
}

const string = (text: string) => {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};
const connectPacket = (username: string) => {
  const body = Buffer.concat([
    string('MQTT'),
    Buffer.from([4, 0x82, 0, 60]),
    string(id),
    string(username),
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
};

test('MQTT: a username that is not {idScope}/registrations/{id}/... gets CONNACK 4 and the connection closes', async () => {
  const connection = await mqttConnection();
  connection.socket.write(connectPacket('nonsense'));
  await connection.closed;
  assert.deepEqual([...connection.received()], [0x20, 2, 0, 4]);
});

test('MQTT: garbage before CONNECT closes the connection without an answer', async () => {
  const connection = await mqttConnection();
  connection.socket.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  await connection.closed;
  assert.equal(connection.received().length, 0);
});

test('MQTT: CONNECT, SUBSCRIBE and PINGREQ sent in one burst are answered in order', async () => {
  const connection = await mqttConnection();
  const subscribeBody = Buffer.concat([
    Buffer.from([0, 5]),
    string('$dps/registrations/res/#'),
    Buffer.from([1]),
  ]);
  connection.socket.write(
    Buffer.concat([
      connectPacket(`${sdk.emulator.info.idScope}/registrations/${id}/api-version=2019-03-31`),
      Buffer.from([0x82, subscribeBody.length]),
      subscribeBody,
      Buffer.from([0xc0, 0]),
      Buffer.from([0xe0, 0]),
    ]),
  );
  await connection.closed;
  // The sandbox's answers are not client packets: check the bytes themselves.
  assert.deepEqual([...connection.received()], [0x20, 2, 0, 0, 0x90, 3, 0, 5, 1, 0xd0, 0]);
});
