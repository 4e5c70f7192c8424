import type {AddressInfo, Socket} from 'node:net';
import {createServer, type TLSSocket} from 'node:tls';
import {deviceRefusals} from './device-errors.js';
import {refused, type DeviceAnswer, type DeviceRegistrations} from './device-registrations.js';
import {
  connackCodes,
  encodeConnack,
  encodePingresp,
  encodePuback,
  encodePublish,
  encodeSuback,
  encodeUnsuback,
  MqttDecoder,
  type InboundPacket,
  type PublishPacket,
} from './mqtt-codec.js';
import {clientCertificateOptions, peerChain} from './peer-chain.js';

export type MqttDeviceApiOptions = {
  port: number;
  host: string;
  key: string;
  cert: string;
  registrations: DeviceRegistrations;
  log?: (line: string) => void;
};

const responseTopicFilter = '$dps/registrations/res/#';
const registerTopic = /^\$dps\/registrations\/PUT\/iotdps-register\/\?(.*)$/;
const operationStatusTopic = /^\$dps\/registrations\/GET\/iotdps-get-operationstatus\/\?(.*)$/;
/** `{idScope}/registrations/{registrationId}/api-version=...[&ClientVersion=...]`. */
const usernamePattern = /^([^/]+)\/registrations\/([^/]+)\/(.*)$/;
/** A client that sends nothing in its keep-alive interval and a half is gone (MQTT 3.1.1, 3.1.2.10). */
const keepAliveGrace = 1.5;
/** After the sandbox closes a connection, how long the client has to close its side. */
const closeGraceMs = 2000;
/** Until CONNECT arrives. */
const connectTimeoutMs = 30_000;

/**
 * The device registration API over MQTT 3.1.1 on TLS, as DPS serves it on port 8883: a device connects with
 * username `{idScope}/registrations/{registrationId}/api-version=...` and its client certificate, subscribes
 * to `$dps/registrations/res/#`, publishes its requests and gets each answer on
 * `$dps/registrations/res/{status}/?$rid={rid}[&retry-after={seconds}]`.
 */
export async function startMqttDeviceServer(
  options: MqttDeviceApiOptions,
): Promise<{port: number; close(): Promise<void>}> {
  const server = createServer({key: options.key, cert: options.cert, ...clientCertificateOptions});
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket) => serveConnection(socket, options));
  server.on('tlsClientError', () => {}); // a client that fails the handshake just goes away
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

type Session = {idScope: string; registrationId: string};

function serveConnection(socket: TLSSocket, options: MqttDeviceApiOptions) {
  const decoder = new MqttDecoder();
  let session: Session | undefined;
  let closing = false;
  // Packets are handled one after another, so answers leave in the order the requests came.
  let queue = Promise.resolve();
  const send = (bytes: Buffer) => {
    if (!closing && !socket.destroyed) socket.write(bytes);
  };
  const close = (reason?: string) => {
    if (reason) options.log?.(`mqtt ${socket.remoteAddress ?? ''}: ${reason}`);
    closing = true;
    // end() sends what is still queued (a CONNACK refusal, the answers before a DISCONNECT) before closing;
    // a client that does not close its side in time is cut off.
    socket.end();
    setTimeout(() => socket.destroy(), closeGraceMs).unref();
  };

  socket.setNoDelay(true); // small answers; Nagle plus the client's delayed ACK would hold each one ~40 ms
  socket.setTimeout(connectTimeoutMs, () => close('no CONNECT in time'));
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    let packets: InboundPacket[];
    try {
      packets = decoder.push(chunk);
    } catch (error) {
      close(`protocol error: ${(error as Error).message}`);
      return;
    }
    for (const packet of packets) {
      queue = queue
        .then(() => handle(packet))
        .catch((error: unknown) => {
          close(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
  });

  const handle = async (packet: InboundPacket): Promise<void> => {
    if (closing || socket.destroyed) return;
    if (!session) {
      if (packet.type !== 'connect') return close(`${packet.type} before CONNECT`);
      if (packet.protocolName !== 'MQTT' || packet.protocolLevel !== 4) {
        send(encodeConnack(connackCodes.unacceptableProtocolVersion));
        return close('not MQTT 3.1.1');
      }
      const match = usernamePattern.exec(packet.username ?? '');
      if (!match) {
        send(encodeConnack(connackCodes.badUsernameOrPassword));
        return close(`username '${packet.username ?? ''}' is not {idScope}/registrations/{id}/...`);
      }
      session = {idScope: match[1]!, registrationId: match[2]!};
      const keepAlive = packet.keepAliveSeconds * 1000 * keepAliveGrace;
      socket.setTimeout(keepAlive, () => close('keep-alive expired'));
      send(encodeConnack(connackCodes.accepted));
      return;
    }
    switch (packet.type) {
      case 'connect':
        return close('a second CONNECT');
      case 'subscribe':
        send(
          encodeSuback(
            packet.packetId,
            packet.subscriptions.map(({topic, qos}) =>
              topic === responseTopicFilter ? Math.min(qos, 1) : 0x80,
            ),
          ),
        );
        return;
      case 'unsubscribe':
        send(encodeUnsuback(packet.packetId));
        return;
      case 'pingreq':
        send(encodePingresp());
        return;
      case 'puback':
        return;
      case 'disconnect':
        return close();
      case 'publish': {
        if (packet.qos === 1) send(encodePuback(packet.packetId!));
        const answer = await request(packet, session, peerChain(socket), options.registrations);
        if (!answer) return;
        let topic = `$dps/registrations/res/${answer.status}/?$rid=${encodeURIComponent(answer.rid)}`;
        if (answer.retryAfterSeconds !== undefined) {
          topic += `&retry-after=${answer.retryAfterSeconds}`;
        }
        send(encodePublish({topic, payload: Buffer.from(JSON.stringify(answer.body))}));
        return;
      }
      default:
        return;
    }
  };
}

/** A request published by the device, answered by the registration API; undefined when it has no $rid. */
async function request(
  packet: PublishPacket,
  session: Session,
  chain: ReturnType<typeof peerChain>,
  registrations: DeviceRegistrations,
): Promise<(DeviceAnswer & {rid: string}) | undefined> {
  const {idScope, registrationId} = session;
  const register = registerTopic.exec(packet.topic);
  const status = operationStatusTopic.exec(packet.topic);
  const query = new URLSearchParams((register ?? status)?.[1] ?? packet.topic.split('?')[1] ?? '');
  const rid = query.get('$rid');
  if (!rid) return undefined;
  if (register) {
    let body: unknown;
    try {
      body = packet.payload.length > 0 ? JSON.parse(packet.payload.toString('utf8')) : undefined;
    } catch {
      return {rid, ...refused(deviceRefusals.badBody('the payload is not valid JSON'))};
    }
    return {rid, ...(await registrations.register(idScope, registrationId, body, chain))};
  }
  if (status) {
    const operationId = query.get('operationId') ?? '';
    return {rid, ...registrations.operationStatus(idScope, registrationId, operationId, chain)};
  }
  return {rid, ...refused(deviceRefusals.routeNotFound(`topic ${packet.topic}`))};
}
