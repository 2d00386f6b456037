import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A push service on loopback, standing in for FCM / Mozilla autopush / Apple: it accepts RFC 8030 pushes,
 * checks the VAPID JWT (RFC 8292, ES256 over the key in `k=`), and, holding each subscription's private
 * key like the browser would, DECRYPTS the payload (RFC 8291 aes128gcm) — so a test reads what the phone
 * would show, not what we meant to send.
 */

/** A browser's side of one subscription: its P-256 key pair and auth secret (RFC 8291 §3.2). */
export interface TestBrowser {
  id: string;
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
}

export interface ReceivedPush {
  browserId: string;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  /** The decrypted payload, parsed as JSON. */
  payload: Record<string, unknown>;
  /** The VAPID public key the sender signed with (`k=`). */
  vapidKey: string;
  audience: string;
}

export interface PushService {
  url: string;
  /** Every push accepted (answered 201), in arrival order. */
  received: ReceivedPush[];
  /** Creates a browser with fresh keys subscribed at this service. */
  browser(): TestBrowser;
  /** Answers `status` to pushes for this browser from now on (404/410: the subscription is gone). */
  answer(browserId: string, status: number): void;
  /** Pushes that failed our checks (bad JWT, undecryptable): a test expects none. */
  problems: string[];
  stop(): Promise<void>;
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 + RFC 8188: decrypts an aes128gcm body with the user agent's keys. */
export function decryptAes128gcm(body: Buffer, browser: Pick<TestBrowser, 'privateKey' | 'publicKey' | 'authSecret'>): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(browser.privateKey);
  const ecdhSecret = ecdh.computeSecret(senderPublic);
  // HKDF-Extract(auth_secret, ecdh_secret), then Expand with "WebPush: info" || 0 || ua_public || as_public.
  const prkKey = hmac(browser.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.publicKey, senderPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const baseNonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const records = body.subarray(21 + idLength);
  const plain: Buffer[] = [];
  for (let offset = 0, seq = 0; offset < records.length; offset += recordSize, seq++) {
    const record = records.subarray(offset, offset + recordSize);
    const nonce = Buffer.from(baseNonce);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8); // records < 2^32: only the low word changes
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // Strip the padding: trailing zeros, then the delimiter (2 = last record, 1 = more follow).
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2 && padded[end] !== 1) throw new Error('no padding delimiter');
    plain.push(padded.subarray(0, end));
  }
  return Buffer.concat(plain);
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>`: ES256 signature by `k`, audience = this origin. */
function checkVapid(header: string | undefined, origin: string): { key: string; audience: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`no VAPID authorization: ${header}`);
  const [, jwt = '', key = ''] = match;
  const [head = '', claims = '', signature = ''] = jwt.split('.');
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (payload.aud !== origin) throw new Error(`VAPID audience ${payload.aud} is not ${origin}`);
  if (!/^(mailto:|https:)/.test(payload.sub)) throw new Error(`VAPID subject ${payload.sub}`);
  return { key, audience: payload.aud };
}

export async function startPushService(): Promise<PushService> {
  const browsers = new Map<string, TestBrowser>();
  const answers = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const problems: string[] = [];
  let origin = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const browserId = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1] ?? '';
      const browser = browsers.get(browserId);
      const status = answers.get(browserId);
      if (!browser || status) {
        response.writeHead(status ?? 404).end();
        return;
      }
      try {
        const vapid = checkVapid(request.headers.authorization, origin);
        if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
        const payload = JSON.parse(decryptAes128gcm(Buffer.concat(chunks), browser).toString('utf8'));
        received.push({
          browserId,
          ttl: Number(request.headers.ttl),
          urgency: request.headers.urgency as string | undefined,
          topic: request.headers.topic as string | undefined,
          payload,
          vapidKey: vapid.key,
          audience: vapid.audience,
        });
        response.writeHead(201, { location: `${origin}/message/${received.length}` }).end();
      } catch (error) {
        problems.push(`${browserId}: ${(error as Error).message}`);
        response.writeHead(400).end();
      }
    });
  });
  // Thousands of pushes arrive over a few keep-alive connections; Node's default limits would reset them.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    received,
    problems,
    browser() {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const id = randomBytes(9).toString('base64url');
      const browser: TestBrowser = {
        id,
        privateKey: ecdh.getPrivateKey(),
        publicKey,
        authSecret,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          keys: { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url') },
        },
      };
      browsers.set(id, browser);
      return browser;
    },
    answer(browserId, status) {
      answers.set(browserId, status);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
