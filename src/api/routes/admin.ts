import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Queryable } from '../../db/database';
import type { SecretBox } from '../../secrets/secret-box';
import { createProject, listProjects } from '../../store/projects';
import { parseInput, Problem } from '../problem';
import { address } from '../schemas';

export const createProjectBody = z.strictObject({
  name: z.string().min(1).max(100),
  signer: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    address,
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'whsec_ followed by a base64 key of at least 18 bytes'),
  }),
});

function sameToken(given: string, expected: string) {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Project administration, behind the operator's ADMIN_TOKEN. */
export function adminRoutes(db: Queryable, adminToken: string, secrets: SecretBox): Router {
  const router = Router();
  router.use((req, _res, next) => {
    const token = req.header('authorization')?.replace(/^Bearer /, '');
    next(token && sameToken(token, adminToken) ? undefined : new Problem(401, 'unauthenticated', 'Admin token required', 'Send Authorization: Bearer <ADMIN_TOKEN>'));
  });
  router.post('/projects', async (req, res) => {
    const { name, signer } = parseInput(createProjectBody, req.body);
    const { projectId, apiKey } = await createProject(db, {
      name, signerUrl: signer.url, signerAddress: signer.address, signerSecretSealed: secrets.seal(signer.secret),
    });
    res.status(201).json({ projectId, name, apiKey, note: 'The API key is shown only once; store it now.' });
  });
  router.get('/projects', async (_req, res) => {
    const rows = await listProjects(db, 1000);
    res.json({
      data: rows.map((p) => ({
        projectId: p.id, name: p.name, signer: { url: p.signer_url, address: p.signer_address }, createdAt: new Date(p.created_at).toISOString(),
        actions: p.actions, lastActionAt: p.last_action_at ? new Date(p.last_action_at).toISOString() : null,
      })),
    });
  });
  return router;
}

/**
 * Without ADMIN_TOKEN the admin API is off: its routes say so, instead of falling through to the project routes
 * and answering that an API key is missing.
 */
export const adminApiDisabled: RequestHandler = (_req, _res, next) => {
  next(new Problem(404, 'admin_api_disabled', 'The admin API is disabled',
    'Set ADMIN_TOKEN (at least 24 characters) where the API runs to enable /v1/admin; `npm start` enables it and prints its token'));
};
