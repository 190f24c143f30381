import type { ServerResponse } from 'node:http';
import type { Harness } from './harness';
import { startReceiver, type Received } from './receiver';

export type SignerAnswer = (request: Received, res: ServerResponse) => Promise<void>;

export const answerJson = (res: ServerResponse, status: number, body: string) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(body);
};

/** What the run's reference signer answers to a sign request a stand-in received. */
export async function askSigner(h: Harness, request: Received): Promise<{ status: number; body: string }> {
  const answer = await fetch(h.stack.signerUrl, { method: 'POST', headers: request.headers as Record<string, string>, body: request.body });
  return { status: answer.status, body: await answer.text() };
}

/** Runs `body` with the project's signing URL pointed at a stand-in signer answering as `respond` says. */
export async function withStandInSigner(h: Harness, respond: SignerAnswer, body: () => Promise<void>) {
  const signer = await startReceiver((request, _count, res) => void respond(request, res));
  await h.db.query('UPDATE projects SET signer_url = $2 WHERE id = $1', [h.projectId, signer.url]);
  try {
    await body();
  } finally {
    await h.db.query('UPDATE projects SET signer_url = $2 WHERE id = $1', [h.projectId, h.stack.signerUrl]);
    await signer.close();
  }
}
