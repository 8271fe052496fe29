/**
 * One stack of a Sentry event (ts/event/event-from-report.ts) against the same thread in rust-minidump's
 * `minidump-stackwalk --json`: used on corpus dumps, fixtures, and on the dump an Electron crash event came with.
 */
import type { ExecutionContext } from 'ava';
import type { MinidumpReport } from '@acme/sentry-electron-native';
import type { NativeStackFrame } from '../../ts/event/event-from-report';
import { baseName } from './breakpad-machine';
import { isDemangledFrom, num, sentryTrust, type StackwalkFrame } from './stackwalk-json';

/** The event's frames of one stack, innermost first, with inlined calls as frames of their own (as Sentry's are). */
export function compareStack(t: ExecutionContext, where: string, frames: NativeStackFrame[], ref: StackwalkFrame[], report: MinidumpReport): void {
  const innermostFirst = [...frames].reverse();
  const expected = ref.flatMap((f) => [...(f.inlines ?? []).map((i) => ({ frame: f, inline: i })), { frame: f, inline: null }]);
  t.is(innermostFirst.length, expected.length, `${where}: logical frame count`);
  expected.forEach(({ frame: r, inline }, i) => {
    const ours = innermostFirst[i];
    if (!ours) return;
    const W = `${where}[${i}]`;
    // The address symbols were looked up at, which is why the stack trace says "none".
    t.is(num(ours.instruction_addr), num(r.offset), `${W}: instruction_addr is minidump-stackwalk's offset`);
    t.is<string | undefined, string>(ours.trust, sentryTrust(r.trust), `${W}: trust`);
    t.is(ours.package === undefined ? null : baseName(ours.package), r.module, `${W}: package`);
    const raw = inline ? inline.function : r.function;
    t.is(ours.symbol ?? null, raw, `${W}: symbol is the raw name`);
    isDemangledFrom(t, ours.function ?? null, raw, W);
    t.is(ours.filename ?? null, (inline ? inline.file : r.file) ?? null, `${W}: filename`);
    t.is(ours.lineno ?? null, (inline ? inline.line : r.line) ?? null, `${W}: lineno`);
    const module = report.modules.find((m) => m.codeFile === ours.package);
    if (r.module) t.truthy(module, `${W}: package is a module's full path`);
  });
}

