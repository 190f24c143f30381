/**
 * Routes as functions name them: "METHOD /path/:param". A route given with other parameter names
 * ("POST /v1/collections/:id/nfts") is the same route.
 */
export const ANY_ROUTE = '*';

const shape = (route: string) => route.replace(/:[A-Za-z0-9_]+/g, ':');

/** The route among `routes` that `given` names, whatever its parameter names; undefined if none. */
export function canonicalRoute(routes: readonly string[], given: string): string | undefined {
  if (given === ANY_ROUTE) return ANY_ROUTE;
  return routes.find((r) => shape(r) === shape(given));
}

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

function paramsOf(route: string, method: string, segments: string[]): Record<string, string> | undefined {
  const [routeMethod, routePath] = route.split(' ');
  const parts = routePath.split('/');
  if (routeMethod !== method || parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    if (part.startsWith(':') && segments[i] !== '') params[part.slice(1)] = decoded(segments[i]);
    else if (part !== segments[i]) return undefined;
  }
  return params;
}

/** Which of `routes` a request is a call of, with its path parameters. */
export function matchRoute(routes: readonly string[], method: string, path: string): { route: string; params: Record<string, string> } | undefined {
  const segments = path.replace(/(.)\/$/, '$1').split('/');
  for (const route of routes) {
    const params = paramsOf(route, method, segments);
    if (params) return { route, params };
  }
  return undefined;
}
