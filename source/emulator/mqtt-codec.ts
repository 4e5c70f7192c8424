/**
 * The MQTT 3.1.1 frames the device registration API needs (OASIS MQTT 3.1.1, section 3), decoded from and
 * encoded to bytes. A broker-side subset: CONNECT, PUBLISH, PUBACK, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and
 * DISCONNECT in; CONNACK, PUBLISH, PUBACK, SUBACK, UNSUBACK and PINGRESP out. QoS 2 is not supported.
 */

export type ConnectPacket = {
  type: 'connect';
  protocolName: string;
  protocolLevel: number;
  cleanSession: boolean;
  keepAliveSeconds: number;
  clientId: string;
  username?: string;
  password?: Buffer;
};
export type PublishPacket = {
  type: 'publish';
  topic: string;
  qos: 0 | 1;
  /** Present for QoS 1. */
  packetId?: number;
  payload: Buffer;
  dup: boolean;
  retain: boolean;
};
export type SubscribePacket = {
  type: 'subscribe';
  packetId: number;
  subscriptions: Array<{topic: string; qos: number}>;
};
export type UnsubscribePacket = {type: 'unsubscribe'; packetId: number; topics: string[]};

export type InboundPacket =
  | ConnectPacket
  | PublishPacket
  | SubscribePacket
  | UnsubscribePacket
  | {type: 'puback'; packetId: number}
  | {type: 'pingreq'}
  | {type: 'disconnect'};

/** A frame that breaks the protocol; the connection must be closed. */
export class MqttProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MqttProtocolError';
  }
}

const packetTypes = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
} as const;

/**
 * Splits a byte stream into packets: push() each chunk as it arrives, get back the packets it completed.
 * Throws MqttProtocolError for a malformed frame or one larger than maxPacketBytes.
 */
export class MqttDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPacketBytes = 256 * 1024) {}

  push(chunk: Buffer): InboundPacket[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const packets: InboundPacket[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (!frame) break;
      packets.push(decodePacket(frame.header, frame.body));
    }
    return packets;
  }

  private nextFrame(): {header: number; body: Buffer} | undefined {
    const data = this.buffered;
    if (data.length < 2) return undefined;
    let length = 0;
    let multiplier = 1;
    let offset = 1;
    for (;;) {
      if (offset >= data.length) return undefined;
      if (offset > 4) throw new MqttProtocolError('the remaining length takes more than 4 bytes');
      const byte = data[offset++]!;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (length > this.maxPacketBytes) {
      throw new MqttProtocolError(`a packet of ${length} bytes exceeds ${this.maxPacketBytes}`);
    }
    if (data.length < offset + length) return undefined;
    const body = data.subarray(offset, offset + length);
    this.buffered = data.subarray(offset + length);
    return {header: data[0]!, body};
  }
}

function decodePacket(header: number, body: Buffer): InboundPacket {
  const type = header >> 4;
  const flags = header & 0x0f;
  const reader = new Reader(body);
  switch (type) {
    case packetTypes.connect:
      return decodeConnect(reader);
    case packetTypes.publish: {
      const qos = (flags >> 1) & 0x03;
      if (qos > 1) throw new MqttProtocolError(`PUBLISH with QoS ${qos} is not supported`);
      const topic = reader.string();
      const packetId = qos > 0 ? reader.uint16() : undefined;
      return {
        type: 'publish',
        topic,
        qos: qos as 0 | 1,
        packetId,
        payload: reader.rest(),
        dup: (flags & 0x08) !== 0,
        retain: (flags & 0x01) !== 0,
      };
    }
    case packetTypes.puback:
      return {type: 'puback', packetId: reader.uint16()};
    case packetTypes.subscribe: {
      if (flags !== 0x02) throw new MqttProtocolError('SUBSCRIBE must have flags 0010');
      const packetId = reader.uint16();
      const subscriptions: Array<{topic: string; qos: number}> = [];
      while (!reader.done()) subscriptions.push({topic: reader.string(), qos: reader.byte()});
      if (subscriptions.length === 0) throw new MqttProtocolError('SUBSCRIBE without topics');
      return {type: 'subscribe', packetId, subscriptions};
    }
    case packetTypes.unsubscribe: {
      if (flags !== 0x02) throw new MqttProtocolError('UNSUBSCRIBE must have flags 0010');
      const packetId = reader.uint16();
      const topics: string[] = [];
      while (!reader.done()) topics.push(reader.string());
      return {type: 'unsubscribe', packetId, topics};
    }
    case packetTypes.pingreq:
      return {type: 'pingreq'};
    case packetTypes.disconnect:
      return {type: 'disconnect'};
    default:
      throw new MqttProtocolError(`packet type ${type} is not accepted from a client`);
  }
}

function decodeConnect(reader: Reader): ConnectPacket {
  const protocolName = reader.string();
  const protocolLevel = reader.byte();
  const flags = reader.byte();
  if (flags & 0x01) throw new MqttProtocolError('the CONNECT reserved flag must be 0');
  const keepAliveSeconds = reader.uint16();
  const clientId = reader.string();
  if (flags & 0x04) {
    reader.string(); // will topic
    reader.binary(); // will message
  }
  const username = flags & 0x80 ? reader.string() : undefined;
  const password = flags & 0x40 ? reader.binary() : undefined;
  return {
    type: 'connect',
    protocolName,
    protocolLevel,
    cleanSession: (flags & 0x02) !== 0,
    keepAliveSeconds,
    clientId,
    username,
    password,
  };
}

class Reader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  done(): boolean {
    return this.offset >= this.data.length;
  }

  byte(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  uint16(): number {
    this.need(2);
    const value = this.data.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  binary(): Buffer {
    const length = this.uint16();
    this.need(length);
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    return this.binary().toString('utf8');
  }

  rest(): Buffer {
    const value = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return value;
  }

  private need(count: number) {
    if (this.offset + count > this.data.length) {
      throw new MqttProtocolError('the packet ends in the middle of a field');
    }
  }
}

/** CONNACK return codes (MQTT 3.1.1, 3.2.2.3). */
export const connackCodes = {
  accepted: 0,
  unacceptableProtocolVersion: 1,
  identifierRejected: 2,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

export function encodeConnack(returnCode: number, sessionPresent = false): Buffer {
  return frame(packetTypes.connack << 4, Buffer.from([sessionPresent ? 1 : 0, returnCode]));
}

export function encodePuback(packetId: number): Buffer {
  return frame(packetTypes.puback << 4, uint16(packetId));
}

/** Granted QoS per topic, or 0x80 for a refused one. */
export function encodeSuback(packetId: number, granted: number[]): Buffer {
  return frame(packetTypes.suback << 4, Buffer.concat([uint16(packetId), Buffer.from(granted)]));
}

export function encodeUnsuback(packetId: number): Buffer {
  return frame(packetTypes.unsuback << 4, uint16(packetId));
}

export function encodePingresp(): Buffer {
  return frame(packetTypes.pingresp << 4, Buffer.alloc(0));
}

export function encodePublish(message: {
  topic: string;
  payload: Buffer;
  qos?: 0 | 1;
  packetId?: number;
}): Buffer {
  const qos = message.qos ?? 0;
  if (qos === 1 && message.packetId === undefined) {
    throw new Error('a QoS 1 PUBLISH needs a packet identifier');
  }
  const parts = [string(message.topic)];
  if (qos === 1) parts.push(uint16(message.packetId!));
  parts.push(message.payload);
  return frame((packetTypes.publish << 4) | (qos << 1), Buffer.concat(parts));
}

function frame(header: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([header]), remainingLength(body.length), body]);
}

/** The variable-length "remaining length": 7 bits per byte, high bit set while more follow. */
function remainingLength(length: number): Buffer {
  if (length > 268_435_455) throw new Error(`an MQTT packet cannot carry ${length} bytes`);
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function string(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 0xffff) throw new Error('an MQTT string is at most 65535 bytes');
  return Buffer.concat([uint16(bytes.length), bytes]);
}
