import path from 'node:path';
import express, { Router } from 'express';
import type { ChainRegistry } from '../chain/chains';

export interface ConsoleSettings {
  /** The Temporal Web UI, where an action's workflow is linked (unset: no link). */
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

const CONSOLE_DIR = path.join(__dirname, '../console');

/** The files of a package the console imports as plain ES modules (its import map names them; no bundle, no CDN). */
const packageFile = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const MODULES: Record<string, string> = {
  'preact.mjs': packageFile('preact', 'dist/preact.mjs'),
  'preact-hooks.mjs': packageFile('preact', 'hooks/dist/hooks.mjs'),
  // htm's exports map leaves out package.json: its ES module is found from its main file.
  'htm.mjs': path.join(path.dirname(require.resolve('htm')), 'htm.mjs'),
};

/**
 * The web console at `/console`: static pages that call this API with the project's key from the browser
 * session. Middleware, not routes: like /docs, its files are not part of the API the OpenAPI description covers.
 */
export function consoleRoutes(chains: ChainRegistry, settings: ConsoleSettings): Router {
  const router = Router();
  // Nothing secret: where to link a workflow and a transaction.
  const publicSettings = {
    temporalUiUrl: settings.temporalUiUrl ?? null,
    temporalNamespace: settings.temporalNamespace ?? 'default',
    chains: chains.chains.map((c) => ({ name: c.name, chainId: c.chainId, explorerUrl: c.explorerUrl ?? null })),
  };
  router.use('/console/settings.json', (_req, res) => {
    res.json(publicSettings);
  });
  router.use('/console/modules', (req, res, next) => {
    const file = MODULES[req.path.slice(1)];
    if (!file) return next();
    res.type('application/javascript').sendFile(file);
  });
  router.use('/console', (req, res, next) => {
    if (req.method === 'GET' && req.originalUrl === '/console') return res.redirect(301, '/console/');
    next();
  }, express.static(CONSOLE_DIR, { index: 'index.html' }));
  return router;
}
