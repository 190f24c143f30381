import express from 'express';
import type { Wallet } from 'ethers';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { preparedTransactionSchema, signPurposeSchema, type SignRequest } from '../signing/protocol';
import { toEthersTransaction } from '../signing/transaction';
import { refusalReason, type PolicyDeps } from './policy';

const requestShape = z.looseObject({
  type: z.literal('transaction.sign'),
  purpose: signPurposeSchema,
  from: z.string(),
  unsignedTransaction: z.string(),
  transaction: preparedTransactionSchema.loose(),
});

export interface SignerAppDeps extends Omit<PolicyDeps, 'address'> {
  wallet: Wallet;
  secret: string;
  log: (msg: string, fields: Record<string, unknown>) => void;
}

const refuse = (res: express.Response, status: number, reason: string) =>
  res.status(status).type('application/problem+json').json({ title: 'Signature refused', status, reason });

/** The reference signing endpoint: verifies the engine's request, applies the policy, signs. */
export function createSignerApp(deps: SignerAppDeps): express.Express {
  const webhook = new Webhook(deps.secret);
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', address: deps.wallet.address });
  });
  app.post('/sign', express.text({ type: '*/*', limit: '256kb' }), async (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    try {
      webhook.verify(body, {
        'webhook-id': req.header('webhook-id') ?? '',
        'webhook-timestamp': req.header('webhook-timestamp') ?? '',
        'webhook-signature': req.header('webhook-signature') ?? '',
      });
    } catch (err) {
      return refuse(res, 401, `request signature not valid: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return refuse(res, 400, 'body is not JSON');
    }
    const parsed = requestShape.safeParse(json);
    if (!parsed.success) return refuse(res, 400, `not a sign request: ${parsed.error.issues[0]?.message}`);
    const request = parsed.data as unknown as SignRequest;
    const reason = await refusalReason(request, { ...deps, address: deps.wallet.address });
    if (reason) {
      deps.log('refused to sign', { actionId: request.actionId, reason });
      return refuse(res, 403, reason);
    }
    const signedTransaction = await deps.wallet.signTransaction(toEthersTransaction(request.transaction));
    deps.log('signed', { actionId: request.actionId, nonce: request.transaction.nonce, purpose: request.purpose });
    res.json({ signedTransaction });
  });
  return app;
}
