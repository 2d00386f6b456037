import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stand-ins for the two translation services, on loopback. Neither translates for real: each answers
 * the way its service answers (same paths, headers, bodies and error shapes), with a marked "translation"
 * (`[pl] Year 1 planted beans`) a test can recognise, and counts every request — which is what the
 * tests are about: how often Corridor asks, what it sends, and what it does with the answer or an error.
 */
export interface TranslationStandIn {
  url: string;
  /** Every request that asked for a translation, in order. */
  requests: { texts: string[]; from: string; to: string; headers: IncomingMessage['headers'] }[];
  /** Requests for this target language are answered with the service's own error from now on. */
  failFor(language: string): void;
  /** …and translated again from now on (the service came back). */
  recover(language: string): void;
  stop(): Promise<void>;
}

/** What the stand-ins "translate" to: the text, marked with the target language. */
export const standInTranslation = (text: string, to: string) => `[${to}] ${text}`;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function serve(
  handler: (
    request: IncomingMessage,
    response: ServerResponse,
    state: TranslationStandIn & { failing: Set<string> },
  ) => Promise<void>,
): Promise<TranslationStandIn> {
  const failing = new Set<string>();
  const state = {
    url: '',
    requests: [] as TranslationStandIn['requests'],
    failing,
    failFor: (language: string) => void failing.add(language),
    recover: (language: string) => void failing.delete(language),
    stop: async () => {},
  };
  const server = createServer((request, response) => {
    handler(request, response, state).catch((error: Error) => response.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * Amazon Translate's TranslateText as the AWS SDK talks to it: JSON 1.1 (`POST /`, `X-Amz-Target:
 * AWSShineFrontendService_20170701.TranslateText`, `Content-Type: application/x-amz-json-1.1`), a SigV4
 * signature for the `translate` service, one `Text` per request; errors as the service sends them
 * (`__type` with `x-amzn-ErrorType`). A request that is not signed is refused like the service does.
 */
export function startAmazonTranslateStandIn(): Promise<TranslationStandIn> {
  return serve(async (request, response, state) => {
    const target = request.headers['x-amz-target'];
    const auth = String(request.headers.authorization ?? '');
    const json = (status: number, body: unknown, errorType?: string) =>
      response
        .writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': crypto.randomUUID(),
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        })
        .end(JSON.stringify(body));
    if (request.method !== 'POST' || request.url !== '/' || target !== 'AWSShineFrontendService_20170701.TranslateText') {
      json(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      return;
    }
    if (
      !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/translate\/aws4_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$/.test(
        auth,
      )
    ) {
      json(
        403,
        { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
        'MissingAuthenticationTokenException',
      );
      return;
    }
    const body = await readJson(request);
    const text = String(body.Text ?? '');
    const from = String(body.SourceLanguageCode ?? '');
    const to = String(body.TargetLanguageCode ?? '');
    state.requests.push({ texts: [text], from, to, headers: request.headers });
    if (state.failing.has(to)) {
      json(
        503,
        { __type: 'ServiceUnavailableException', Message: 'The service is temporarily unavailable.' },
        'ServiceUnavailableException',
      );
      return;
    }
    json(200, { TranslatedText: standInTranslation(text, to), SourceLanguageCode: from, TargetLanguageCode: to });
  });
}

/**
 * A LibreTranslate server's `POST /translate`: JSON `{q, source, target, format}` with `q` a string or
 * an array, answering `{translatedText}` of the same shape; errors as `{error}` with a 4xx/5xx status.
 */
export function startLibreTranslateStandIn(): Promise<TranslationStandIn> {
  return serve(async (request, response, state) => {
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'POST' || request.url !== '/translate') {
      json(404, { error: 'Not Found' });
      return;
    }
    const body = await readJson(request);
    const q = body.q;
    const texts = Array.isArray(q) ? q.map(String) : [String(q ?? '')];
    const from = String(body.source ?? '');
    const to = String(body.target ?? '');
    state.requests.push({ texts, from, to, headers: request.headers });
    if (!from || !to) {
      json(400, { error: 'Invalid request: missing source or target parameter' });
      return;
    }
    if (state.failing.has(to)) {
      json(500, { error: `Cannot translate text: ${to} model is not loaded` });
      return;
    }
    const translated = texts.map((text) => standInTranslation(text, to));
    json(200, { translatedText: Array.isArray(q) ? translated : translated[0] });
  });
}
