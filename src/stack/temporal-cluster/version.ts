/**
 * The one Temporal server version of the project: built by `npm run temporal:cluster`, and the image tag of
 * docker-compose.yml (test/unit/deployment.test.ts keeps them equal). The same as the dev server of the
 * Temporal CLI used by the tests (Server 1.29.1), so both run the same server code.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
