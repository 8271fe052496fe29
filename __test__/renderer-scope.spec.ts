/**
 * Scope changes in the renderer reach main as `ScopeUpdate` batches: coalesced, only what changed, breadcrumbs only
 * the new ones, each batch valid for main's validator and within its caps; and a batch leaves before an event that
 * was captured in it. In real headless Chromium, over the preload's bridge.
 */
import test, { type ExecutionContext } from 'ava';
import { LIMITS, validateScopePayload, type ScopeUpdate } from '../ts/common/ipc';
import { PRELOAD, Session, sleep, chromiumSpec } from './electron-host/chromium-harness';

const { chromiumTest, launcher } = chromiumSpec(test, 'renderer scope batches');

/** Every scope batch from `from` on, each checked by main's validator (a rejected batch fails the test). */
function batches(t: ExecutionContext, page: Session, from = 0): ScopeUpdate[] {
  return page.scopes(from).map((m) => {
    const checked = validateScopePayload(m.payload);
    if (!checked.ok) t.fail(`main would reject a batch: ${checked.reason}`);
    t.deepEqual(checked.ok ? checked.value : undefined, JSON.parse(m.payload as string), 'nothing dropped by the validator');
    return JSON.parse(m.payload as string) as ScopeUpdate;
  });
}

/** Waits for a scope batch after `from` that passes `test`; then a little longer, for any batch that should not come. */
async function nextBatch(t: ExecutionContext, page: Session, from: number, what: string, test: (u: ScopeUpdate) => boolean): Promise<ScopeUpdate[]> {
  await page.waitFor(t, what, (m) => m.kind === 'scope' && test(JSON.parse(m.payload as string) as ScopeUpdate), from);
  await sleep(150);
  return batches(t, page, from);
}

chromiumTest('scope changes arrive batched, only what changed, breadcrumbs only once', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], init: { scopeBatchMs: 50 } });
  try {
    // The first batch of a page tells main to forget what an earlier page of this web contents set.
    const first = await nextBatch(t, page, 0, 'first batch', (u) => u.clear === true);
    t.is(first.filter((u) => u.clear).length, 1);

    let from = page.received.length;
    await page.run(`
      const S = SentryElectronRenderer;
      S.setTag('a', '1'); S.setTag('b', 2); S.setTag('long', 'x'.repeat(500));
      S.setUser({ id: 'u1' }); S.setExtra('e', { deep: [1, 2] }); S.setContext('ctx', { k: 'v' });
      S.getCurrentScope().setLevel('warning'); S.getCurrentScope().setFingerprint(['{{ default }}', 'renderer']);
      S.addBreadcrumb({ message: 'crumb-1' }); S.addBreadcrumb({ message: 'crumb-2' }); 1`);
    const burst = await nextBatch(t, page, from, 'batch with tags', (u) => u.tags?.a !== undefined);
    t.is(burst.length, 1, 'one burst of changes, one message');
    const [u] = burst;
    t.deepEqual(u!.tags, { a: '1', b: 2, long: 'x'.repeat(LIMITS.tagValueChars) });
    t.deepEqual(u!.user, { id: 'u1' });
    t.deepEqual(u!.extra, { e: { deep: [1, 2] } });
    t.deepEqual(u!.contexts, { ctx: { k: 'v' } });
    t.is(u!.level, 'warning');
    t.deepEqual(u!.fingerprint, ['{{ default }}', 'renderer']);
    t.deepEqual(u!.breadcrumbs?.map((b) => b.message), ['crumb-1', 'crumb-2']);
    t.falsy(u!.clear);

    from = page.received.length;
    await page.run(`SentryElectronRenderer.setTag('b', 3); SentryElectronRenderer.setTag('a', '1'); SentryElectronRenderer.addBreadcrumb({ message: 'crumb-3' }); 1`);
    const second = await nextBatch(t, page, from, 'second batch', (u) => u.tags?.b === 3);
    t.deepEqual(second, [{ v: 1, tags: { b: 3 }, breadcrumbs: [second[0]!.breadcrumbs![0]!] }], 'only the changed tag and the new breadcrumb');
    t.is(second[0]!.breadcrumbs![0]!.message, 'crumb-3');

    from = page.received.length;
    await page.run(`SentryElectronRenderer.setContext('ctx', null); SentryElectronRenderer.setTag('a', undefined); SentryElectronRenderer.setUser(null); 1`);
    const removed = await nextBatch(t, page, from, 'removals', (u) => u.contexts !== undefined);
    t.deepEqual(removed, [{ v: 1, tags: { a: null }, contexts: { ctx: null }, user: null }], 'removed keys arrive as null');

    // Setting what main already has sends nothing.
    from = page.received.length;
    await page.run(`SentryElectronRenderer.setTag('b', 3); 1`);
    await sleep(300);
    t.deepEqual(page.scopes(from), []);
  } finally {
    await page.close();
  }
});

chromiumTest('a batch leaves before the event captured in it, and main sees the tag on both', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], init: { scopeBatchMs: 2000 } });
  try {
    await page.waitFor(t, 'first batch', (m) => m.kind === 'scope');
    const from = page.received.length;
    // The batch window is long: only the envelope can have pushed the batch out this early.
    await page.run(`SentryElectronRenderer.setTag('late', 'yes'); SentryElectronRenderer.captureException(new Error('right after setTag')); 1`);
    const { event } = await page.event(t, 'event', (e) => e.exception?.values?.[0]?.value === 'right after setTag', from);
    t.is(event.tags?.late, 'yes');
    const kinds = page.received.slice(from).map((m) => m.kind);
    t.deepEqual(kinds.slice(0, 2), ['scope', 'envelope'], kinds.join(','));
    t.deepEqual(batches(t, page, from)[0]!.tags, { late: 'yes' });
  } finally {
    await page.close();
  }
});

chromiumTest('a burst larger than one batch is split within the caps, nothing lost', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], init: { maxBreadcrumbs: 100, scopeBatchMs: 50 } });
  try {
    await page.waitFor(t, 'first batch', (m) => m.kind === 'scope');
    const from = page.received.length;
    // 300 tags (cap: 200 a batch), 3 extras of ~30 KB (cap: 64 KB a batch), 100 breadcrumbs.
    await page.run(`
      const S = SentryElectronRenderer;
      for (let i = 0; i < 300; i++) S.setTag('t' + i, i);
      for (let i = 0; i < 3; i++) S.setExtra('big' + i, 'y'.repeat(30000));
      for (let i = 0; i < 100; i++) S.addBreadcrumb({ message: 'b' + i });
      1`);
    await page.waitFor(t, 'the last breadcrumb', (m) => m.kind === 'scope' && (m.payload as string).includes('"b99"'), from);
    await sleep(150);
    const all = batches(t, page, from);
    t.true(all.length >= 3, `${all.length} batches`);
    for (const m of page.scopes(from)) t.true((m.payload as string).length <= LIMITS.scopeBytes);
    const tags = Object.assign({}, ...all.map((u) => u.tags ?? {}));
    t.is(Object.keys(tags).length, 300);
    t.deepEqual(Object.keys(Object.assign({}, ...all.map((u) => u.extra ?? {}))).sort(), ['big0', 'big1', 'big2']);
    t.deepEqual(all.flatMap((u) => u.breadcrumbs ?? []).map((b) => b.message), Array.from({ length: 100 }, (_, i) => `b${i}`));
  } finally {
    await page.close();
  }
});
