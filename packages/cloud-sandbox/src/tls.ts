/**
 * TLS on the sandbox's one port. kubectl (client-go) sends a kubeconfig's
 * bearer token only over TLS, so a kubeconfig with a token must name an
 * `https://` server; the sandbox answers TLS and plain HTTP on the same
 * port, telling them apart by the first byte of each connection.
 */
import { generateKeyPairSync } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import selfsigned from 'selfsigned';

/** The first byte of a TLS handshake record. */
const TLS_HANDSHAKE = 0x16;

/** A self-signed certificate for the loopback names, made at start. */
export function loopbackCertificate(host: string): {
  key: string;
  cert: string;
} {
  // Node makes the key natively; node-forge (under selfsigned) signs it.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const altNames: { type: number; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (net.isIP(host) && host !== '127.0.0.1')
    altNames.push({ type: 7, ip: host });
  if (!net.isIP(host) && host !== 'localhost')
    altNames.push({ type: 2, value: host });
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: 'cloud-sandbox' }],
    {
      days: 365,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames }],
      keyPair: { privateKey, publicKey },
    } as selfsigned.SelfsignedOptions,
  );
  return { key: pems.private, cert: pems.cert };
}

/**
 * A listener that hands TLS connections to an HTTPS server and everything
 * else to `plain`, both serving the same requests.
 */
export function dualProtocolServer(
  plain: http.Server,
  tls: { key: string; cert: string },
): { listener: net.Server; secure: https.Server; destroyAll: () => void } {
  const sockets = new Set<net.Socket>();
  const secure = https.createServer(tls, (req, res) =>
    plain.emit('request', req, res),
  );
  const listener = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', first => {
      socket.pause();
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
    socket.on('error', () => socket.destroy());
  });
  return {
    listener,
    secure,
    destroyAll: () => sockets.forEach(socket => socket.destroy()),
  };
}
