/**
 * A renderer's scope merged over main's: what a renderer's native crash is reported with. The renderer's own tags,
 * extra, contexts, user, level and fingerprint win; breadcrumbs of both are kept, in time order.
 */
import type { Breadcrumb, Scope } from '@sentry/core';

export function mergedRendererScope(main: Scope, renderer: Scope | undefined): Scope {
  const scope = main.clone();
  if (!renderer) return scope;
  const r = renderer.getScopeData();
  scope.setTags(r.tags);
  scope.setExtras(r.extra);
  for (const [k, v] of Object.entries(r.contexts)) if (v) scope.setContext(k, v);
  if (Object.keys(r.user).length) scope.setUser(r.user);
  if (r.level) scope.setLevel(r.level);
  if (r.fingerprint.length) scope.setFingerprint(r.fingerprint);
  const crumbs: Breadcrumb[] = [...scope.getScopeData().breadcrumbs, ...r.breadcrumbs].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  scope.clearBreadcrumbs();
  for (const b of crumbs) scope.addBreadcrumb(b, crumbs.length);
  return scope;
}
