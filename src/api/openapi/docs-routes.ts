import path from 'node:path';
import express, { Router } from 'express';
import { openApiDocument } from './document';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Swagger UI's own start-up script, pointed at this API's description (relative, so it works under a path prefix). */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '../openapi.json', dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout',
  });
};
`;

/** `GET /openapi.json` and the interactive docs at `/docs`, served from the swagger-ui-dist package (no CDN). */
export function docsRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // Middleware, not a route: the docs' files are not part of the API the description covers.
  router.use('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(INITIALIZER);
  });
  router.use('/docs', express.static(SWAGGER_UI_DIR, { index: 'index.html' }));
  return router;
}
