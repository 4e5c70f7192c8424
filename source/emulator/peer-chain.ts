import {constants, X509Certificate} from 'node:crypto';
import type {TLSSocket} from 'node:tls';

/**
 * TLS options for a listener that devices authenticate to with a client certificate: ask every client for
 * one, accept any at the TLS layer (the device API checks the chain itself), and no session tickets. Node
 * keeps no server-side session cache, so every connection presents its chain afresh: a resumed session would
 * not carry the intermediates.
 */
export const clientCertificateOptions = {
  requestCert: true,
  rejectUnauthorized: false,
  secureOptions: constants.SSL_OP_NO_TICKET,
} as const;

/** The chain a TLS client presented, its own certificate first, as Node links it by issuer; [] when none. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current = socket.getPeerCertificate(true);
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}
