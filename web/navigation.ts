import { useEffect, useState } from 'preact/hooks';

/** A view opened by its own address, over the tabs: an execution, or one request. */
export type Route = { readonly kind: 'execution'; readonly id: string } | { readonly kind: 'request'; readonly id: string } | null;

/** `#execution/<id>` and `#request/<id>`, so a link can be shared and Back returns to the list. */
export function routeOf(hash: string): Route {
  const match = /^#(execution|request)\/(.+)$/.exec(hash);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return null;
  }
  return { kind: match[1] as 'execution' | 'request', id };
}

export function hrefOf(route: NonNullable<Route>): string {
  return `#${route.kind}/${encodeURIComponent(route.id)}`;
}

/** The route in the address bar, following Back and Forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  useEffect(() => {
    const follow = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
