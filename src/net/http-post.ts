import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

// The engine's POSTs (to signers, webhook receivers and functions) keep their connections open between calls
// and use node:http rather than fetch, whose streams cost about half a millisecond more per call.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** For the whole exchange, answer included. */
  timeoutMs: number;
  /** The answer is read up to this many bytes. */
  maxAnswerBytes: number;
}

export type PostAnswer = { status: number; body: string; headers: IncomingHttpHeaders } | { status: null; error: string };

type Sent = PostAnswer | { status: null; error: string; reused: boolean };

function postOnce(url: URL, { headers, body, timeoutMs, maxAnswerBytes }: PostOptions): Promise<Sent> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method: 'POST', agent: agents[url.protocol as keyof typeof agents], headers: { ...headers, 'content-length': Buffer.byteLength(body) } });
    const timer = setTimeout(() => {
      resolve({ status: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ status: null, error: err.code ?? err.message, reused: req.reusedSocket });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, maxAnswerBytes), headers: res.headers });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes >= maxAnswerBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ status: null, error: err.code ?? err.message });
      });
    });
    req.end(body);
  });
}

/**
 * POSTs a body with the given headers, following no redirects, and answers the status, headers and (bounded)
 * body, or why there was none (a code such as ECONNREFUSED, or the timeout). A request on a kept-open
 * connection that was reset before any answer (most often one the server closed as idle just then) is sent
 * once more on a new connection, within the same timeout and with the same headers, so a receiver that did
 * see it can tell by its `webhook-id`.
 */
export async function httpPost(url: string, options: PostOptions): Promise<PostAnswer> {
  const target = new URL(url);
  const started = performance.now();
  const answer = await postOnce(target, options);
  const left = Math.round(options.timeoutMs - (performance.now() - started));
  if (answer.status === null && 'reused' in answer && answer.reused && answer.error === 'ECONNRESET' && left > 0) {
    return withoutReuse(await postOnce(target, { ...options, timeoutMs: left }));
  }
  return withoutReuse(answer);
}

const withoutReuse = (sent: Sent): PostAnswer => (sent.status === null ? { status: null, error: sent.error } : sent);
