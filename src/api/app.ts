import express from 'express';
import type { ChainRegistry } from '../chain/chains';
import { observeRequests } from '../observability/observe-requests';
import { opsRoutes, type ReadinessCheck } from '../observability/ops-routes';
import type { SecretBox } from '../secrets/secret-box';
import type { ActionCanceller } from '../temporal/cancel-action';
import type { DeliveryStarter } from '../temporal/start-delivery';
import type { WebhookSettings } from '../webhooks/settings';
import { requireApiKey } from './auth';
import { Problem, problemHandler } from './problem';
import { functionHooks } from './function-hooks';
import { consoleRoutes, type ConsoleSettings } from './console-routes';
import { docsRoutes } from './openapi/docs-routes';
import { WRITE_ROUTES } from './openapi/operations';
import { actionRoutes } from './routes/actions';
import { crossmintCompatRoutes } from './routes/crossmint-compat';
import { adminApiDisabled, adminRoutes } from './routes/admin';
import { collectionRoutes } from './routes/collections';
import { eventRoutes } from './routes/events';
import { functionRoutes } from './routes/functions';
import { metadataRoutes } from './routes/metadata';
import { subscriptionRoutes } from './routes/subscriptions';
import { webhookRoutes } from './routes/webhooks';
import type { SubmitDeps } from './submit-action';

export interface ApiDeps extends SubmitDeps {
  chains: ChainRegistry;
  secrets: SecretBox;
  webhooks: WebhookSettings;
  startDelivery: DeliveryStarter;
  cancelAction: ActionCanceller;
  wakeDispatcher?: () => void;
  bodyLimit: string;
  /** A batch mint carries up to 10,000 items: its route alone takes bodies up to this. */
  batchBodyLimit: string;
  adminToken?: string;
  /** What /readyz checks (the database, Temporal). */
  readiness: ReadinessCheck[];
  /** True once shutdown began: /readyz answers 503 so load balancers stop sending traffic. */
  isStopping?: () => boolean;
  /** Where the console links an action's workflow (none: no link). */
  console?: ConsoleSettings;
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(observeRequests(deps.metrics, deps.log));
  app.use(opsRoutes(deps.metrics, deps.readiness, deps.isStopping));
  app.use(docsRoutes());
  app.use(consoleRoutes(deps.chains, deps.console ?? {}));
  const jsonTypes = ['application/json', 'application/*+json'];
  app.use('/v1/collections/:collectionId/nfts/batch', express.json({ limit: deps.batchBodyLimit, type: jsonTypes }));
  app.use(express.json({ limit: deps.bodyLimit, type: jsonTypes }));
  app.use('/v1/metadata', metadataRoutes(deps.db));
  app.use('/v1/admin', deps.adminToken ? adminRoutes(deps.db, deps.adminToken, deps.secrets) : adminApiDisabled);
  app.use('/v1', requireApiKey(deps.db));
  const allowPrivateUrls = deps.webhooks.allowPrivateUrls;
  app.use('/v1', functionHooks({ db: deps.db, secrets: deps.secrets, allowPrivateUrls, writeRoutes: WRITE_ROUTES, log: deps.log }));
  app.use('/v1/collections', collectionRoutes(deps));
  app.use('/v1/actions', actionRoutes(deps));
  app.use('/v1/webhooks', webhookRoutes(deps));
  app.use('/v1/subscriptions', subscriptionRoutes(deps));
  app.use('/v1/functions', functionRoutes({ db: deps.db, secrets: deps.secrets, allowPrivateUrls, writeRoutes: WRITE_ROUTES }));
  app.use('/v1/events', eventRoutes(deps));
  app.use('/api/2022-06-09', requireApiKey(deps.db), crossmintCompatRoutes(deps));
  app.use((req, _res, next) => next(new Problem(404, 'not_found', 'No such route', `${req.method} ${req.path} is not part of this API`)));
  app.use(problemHandler(deps.log));
  return app;
}
