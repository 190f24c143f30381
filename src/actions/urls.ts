/** Forwards to the URLs' new homes for files being changed elsewhere (src/health, the test harness); goes once they import those. */
export type { ApiUrls } from '../domain';
export { apiUrls } from '../api/urls';
