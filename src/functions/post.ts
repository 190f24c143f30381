import http from 'node:http';
import https from 'node:https';

/** A function's answer is read up to this many bytes, as a webhook receiver's is. */
const MAX_ANSWER_BYTES = 2048;

// Functions are called on the request path: connections to them are kept open between calls, and node:http
// is used rather than fetch, whose streams cost about half a millisecond more per call.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export type PostAnswer = { status: number; body: string } | { status: null; error: string; reused?: boolean };

function postOnce(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostAnswer> {
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
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes >= MAX_ANSWER_BYTES) {
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
 * POSTs a JSON body with the given headers, following no redirects, and answers the status and (bounded)
 * body, or why there was none. A request on a kept-open connection that was reset before any answer (most
 * often one the function's server closed as idle just then) is sent once more on a new connection, within
 * the same timeout and with the same headers, so a function that did see it can tell by its `webhook-id`.
 */
export async function postToFunction(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostAnswer> {
  const target = new URL(url);
  const started = performance.now();
  const answer = await postOnce(target, headers, body, timeoutMs);
  const left = Math.round(timeoutMs - (performance.now() - started));
  const closedUnderfoot = answer.status === null && answer.reused && answer.error === 'ECONNRESET';
  return closedUnderfoot && left > 0 ? postOnce(target, headers, body, left) : answer;
}
