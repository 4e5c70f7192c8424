import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeConnack,
  encodePingresp,
  encodePuback,
  encodePublish,
  encodeSuback,
  encodeUnsuback,
  MqttDecoder,
  MqttProtocolError,
} from '../../source/emulator/mqtt-codec.js';

const string = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};
const frame = (header: number, body: Buffer) => {
  const length: number[] = [];
  let rest = body.length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    length.push(byte);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([header, ...length]), body]);
};

const connect = frame(
  0x10,
  Buffer.concat([
    string('MQTT'),
    Buffer.from([4, 0x80 | 0x02, 0, 180]),
    string('device-01'),
    string('0ne0001/registrations/device-01/api-version=2019-03-31'),
  ]),
);

test('CONNECT: protocol, flags, keep-alive, client id and username are read', () => {
  const [packet] = new MqttDecoder().push(connect);
  assert.deepEqual(packet, {
    type: 'connect',
    protocolName: 'MQTT',
    protocolLevel: 4,
    cleanSession: true,
    keepAliveSeconds: 180,
    clientId: 'device-01',
    username: '0ne0001/registrations/device-01/api-version=2019-03-31',
    password: undefined,
  });
});

test('a packet split across chunks, and several in one chunk, come out whole and in order', () => {
  const publish = frame(
    0x32,
    Buffer.concat([
      string('$dps/registrations/PUT/iotdps-register/?$rid=1'),
      Buffer.from([0, 7]),
      Buffer.from('{"a":1}'),
    ]),
  );
  const all = Buffer.concat([connect, publish, Buffer.from([0xc0, 0]), Buffer.from([0xe0, 0])]);
  const decoder = new MqttDecoder();
  const packets = [];
  for (let index = 0; index < all.length; index += 3)
    packets.push(...decoder.push(all.subarray(index, index + 3)));
  assert.deepEqual(
    packets.map((packet) => packet.type),
    ['connect', 'publish', 'pingreq', 'disconnect'],
  );
  const published = packets[1];
  assert.ok(published?.type === 'publish');
  assert.equal(published.topic, '$dps/registrations/PUT/iotdps-register/?$rid=1');
  assert.equal(published.qos, 1);
  assert.equal(published.packetId, 7);
  assert.equal(published.payload.toString(), '{"a":1}');
});

test('SUBSCRIBE and UNSUBSCRIBE list their topics', () => {
  const decoder = new MqttDecoder();
  const [subscribe, unsubscribe] = decoder.push(
    Buffer.concat([
      frame(
        0x82,
        Buffer.concat([Buffer.from([0, 1]), string('$dps/registrations/res/#'), Buffer.from([1])]),
      ),
      frame(0xa2, Buffer.concat([Buffer.from([0, 2]), string('$dps/registrations/res/#')])),
    ]),
  );
  assert.deepEqual(subscribe, {
    type: 'subscribe',
    packetId: 1,
    subscriptions: [{topic: '$dps/registrations/res/#', qos: 1}],
  });
  assert.deepEqual(unsubscribe, {
    type: 'unsubscribe',
    packetId: 2,
    topics: ['$dps/registrations/res/#'],
  });
});

test('a large PUBLISH uses a multi-byte remaining length both ways', () => {
  const payload = Buffer.alloc(20_000, 'x');
  const encoded = encodePublish({topic: 't', payload});
  assert.deepEqual([...encoded.subarray(0, 4)], [0x30, 0xa3, 0x9c, 0x01]); // 20003 = 0x23 + 0x1c*128 + 1*16384
  // A server PUBLISH is not accepted from a client, but its frame must split correctly: decode it as one.
  const [packet] = new MqttDecoder().push(encoded);
  assert.ok(packet?.type === 'publish');
  assert.equal(packet.payload.length, 20_000);
  assert.equal(packet.qos, 0);
  assert.equal(packet.packetId, undefined);
});

test('QoS 1 PUBLISH carries its packet id; encoders produce the 3.1.1 bytes', () => {
  assert.deepEqual(
    [...encodePublish({topic: 'a', payload: Buffer.from('b'), qos: 1, packetId: 258})],
    [0x32, 6, 0, 1, 0x61, 1, 2, 0x62],
  );
  assert.deepEqual([...encodeConnack(0)], [0x20, 2, 0, 0]);
  assert.deepEqual([...encodeConnack(5, true)], [0x20, 2, 1, 5]);
  assert.deepEqual([...encodePuback(513)], [0x40, 2, 2, 1]);
  assert.deepEqual([...encodeSuback(1, [1, 0x80])], [0x90, 4, 0, 1, 1, 0x80]);
  assert.deepEqual([...encodeUnsuback(9)], [0xb0, 2, 0, 9]);
  assert.deepEqual([...encodePingresp()], [0xd0, 0]);
  assert.throws(
    () => encodePublish({topic: 'a', payload: Buffer.alloc(0), qos: 1}),
    /packet identifier/,
  );
});

test('malformed frames are protocol errors', () => {
  const cases: Array<[string, Buffer]> = [
    ['QoS 2', frame(0x34, Buffer.concat([string('t'), Buffer.from([0, 1])]))],
    [
      'SUBSCRIBE flags',
      frame(0x80, Buffer.concat([Buffer.from([0, 1]), string('t'), Buffer.from([0])])),
    ],
    ['truncated field', frame(0x30, Buffer.from([0, 9, 0x61]))],
    ['server-only type', frame(0x20, Buffer.from([0, 0]))],
    ['five-byte length', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    [
      'reserved CONNECT flag',
      frame(0x10, Buffer.concat([string('MQTT'), Buffer.from([4, 0x01, 0, 0]), string('x')])),
    ],
  ];
  for (const [name, bytes] of cases) {
    assert.throws(() => new MqttDecoder().push(bytes), MqttProtocolError, name);
  }
  assert.throws(() => new MqttDecoder(100).push(frame(0x30, Buffer.alloc(200))), /exceeds 100/);
});
