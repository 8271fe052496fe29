// The page of preloads.ts: reports what the preloads gave it.
const p = window.preloaded;
p.report({
  order: Array.from(p.order),
  sessionPreload: window.sessionPreload,
  bridgeError: p.bridgeError,
  isolatedGlobalVisible: typeof window.preloadOrder,
  frozen: Object.isFrozen(p) && Object.isFrozen(p.nested.list[1]),
  reportIsFunction: typeof p.report === 'function' && p.report instanceof Function,
  arrayOfThisRealm: Array.isArray(p.nested.list) && p.nested.list instanceof Array,
  overwrite: (() => {
    try {
      window.preloaded = 1;
    } catch (e) {
      return 'threw';
    }
    return window.preloaded === p ? 'kept' : 'replaced';
  })(),
});
