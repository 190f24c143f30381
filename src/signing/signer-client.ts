import { randomUUID } from 'node:crypto';
import { signResponseSchema, type SignRequest, type SignResponse } from './protocol';
import { postSigned } from './signed-post';

export class SignerRejectedError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`signer rejected the transaction (HTTP ${status}): ${reason}`);
  }
}

export class SignerUnavailableError extends Error {}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** POSTs a sign request signed with the Standard Webhooks scheme and reads the signer's answer. */
export async function postSignRequest(
  endpoint: { url: string; secret: string },
  request: SignRequest,
  timeoutMs: number,
): Promise<SignResponse> {
  const answer = await postSigned({
    url: endpoint.url, secrets: [endpoint.secret], messageId: `sign_${randomUUID()}`, body: JSON.stringify(request), timeoutMs, maxAnswerBytes: MAX_RESPONSE_BYTES,
  });
  if (answer.status === null) throw new SignerUnavailableError(`signer unreachable: ${answer.error}`);
  const text = answer.body;
  if (answer.status >= 400 && answer.status < 500) {
    throw new SignerRejectedError(answer.status, reasonFrom(text));
  }
  if (answer.status !== 200) {
    throw new SignerUnavailableError(`signer answered HTTP ${answer.status}: ${reasonFrom(text)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SignerUnavailableError('signer answered with a body that is not JSON');
  }
  const parsed = signResponseSchema.safeParse(json);
  if (!parsed.success) throw new SignerUnavailableError('signer answered without signedTransaction or transactionHash');
  return parsed.data;
}

function reasonFrom(text: string): string {
  try {
    const body = JSON.parse(text) as { reason?: unknown; detail?: unknown; title?: unknown };
    const reason = body.reason ?? body.detail ?? body.title;
    if (typeof reason === 'string') return reason.slice(0, 500);
  } catch {
    // plain text answer
  }
  return text.slice(0, 500) || 'no reason given';
}
