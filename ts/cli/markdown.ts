/**
 * The Markdown report of a `symbolicate` run: for PR comments, artefacts and GitHub's job summary.
 * Everything that comes from a dump (names, paths, reasons) is untrusted text: it goes into code spans or
 * fenced blocks whose fences it cannot close, never into Markdown syntax.
 */
import type { MinidumpReport } from '../native/types';
import { modulesWithoutSymbols, walkedFrames } from './missing-symbols';
import { crashSite, tally, type DumpOutcome } from './outcome';
import { compactFrameLines, crashpadLines } from './text';

/** Enough to see where a crash came from; a PR comment holds at most 65,536 characters. */
const MAX_FRAMES = 50;

const longestBacktickRun = (s: string) => Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length));

/** An inline code span that shows `s` verbatim, even when it holds backticks, pipes or newlines. */
export function code(s: string): string {
  const ticks = '`'.repeat(longestBacktickRun(s) + 1);
  // Pipes end a table cell even inside a code span (GFM); a backslash keeps them, and shows as a pipe.
  const body = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** A fenced block that its content cannot close. */
function fenced(lines: string[], info = 'text'): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(lines.join('\n')) + 1));
  return `${fence}${info}\n${lines.join('\n')}\n${fence}`;
}

function crashSection(dump: string, r: MinidumpReport): string[] {
  const out: string[] = [];
  const site = crashSite(r);
  const heading = r.crash ? `crash${site ? ` in ${code(site)}` : ''}` : 'no crash (dumped while running)';
  out.push(`### ${code(dump)}: ${heading}`, '');
  if (r.crash) {
    out.push(`- **Reason:** ${code(r.crash.reason)} at ${code(r.crash.address)} (code ${code(r.crash.code)})`);
    if (r.crash.assertion) out.push(`- **Assertion:** ${code(r.crash.assertion)}`);
  }
  const proc = [r.processType ? `${code(r.processType)} process` : null, r.processId !== null ? `pid ${r.processId}` : null];
  if (proc.some(Boolean)) out.push(`- **Process:** ${proc.filter(Boolean).join(', ')}`);
  out.push(`- **System:** ${code(`${[r.system.os, r.system.osVersion].filter(Boolean).join(' ')}, ${r.system.cpuArch}`)}`);
  if (r.crashpad) out.push(`- **Crashpad report:** ${code(r.crashpad.reportId)} (client ${code(r.crashpad.clientId)})`);
  const t = r.crashingThread;
  if (t) {
    out.push(`- **${r.crash ? 'Crashing thread' : 'Thread'}:** id ${t.id}${t.name ? ` ${code(t.name)}` : ''}`, '');
    const lines = compactFrameLines(t.frames);
    const shown = lines.slice(0, MAX_FRAMES);
    if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more frames`);
    if (shown.length) out.push(fenced(shown));
  }
  const annotations = annotationLines(r);
  if (annotations.length) out.push('', '**Crashpad annotations:**', '', fenced(annotations));
  const missing = modulesWithoutSymbols(r);
  if (missing.length > 0) {
    out.push('', '**Modules without symbols** (their frames show only offsets):', '', '| module | debug file | debug id |', '|---|---|---|');
    for (const m of missing) {
      out.push(`| ${code(m.module)} | ${m.debugFile ? code(m.debugFile) : '—'} | ${m.debugId ? code(m.debugId) : 'none: no symbol store can serve it'} |`);
    }
  } else if (walkedFrames(r).length > 0) {
    out.push('', 'Every module in these frames had symbols.');
  }
  out.push('');
  return out;
}

/** Enough annotations to recognise a process (Chromium's crash keys run to hundreds). */
const MAX_ANNOTATION_LINES = 40;

/** `key = value` for the process-wide annotations, then each module's, as the text report prints them. */
function annotationLines(r: MinidumpReport): string[] {
  const lines = crashpadLines(r.crashpad);
  if (lines.length <= MAX_ANNOTATION_LINES) return lines;
  return [...lines.slice(0, MAX_ANNOTATION_LINES), `… ${lines.length - MAX_ANNOTATION_LINES} more lines`];
}

/** One section per dump, in order. */
function section(o: DumpOutcome): string {
  if (o.report) return crashSection(o.dump, o.report).join('\n');
  return [`### ${code(o.dump)}: unreadable (${o.error?.code ?? 'ERR_INTERNAL'})`, '', code(o.error?.message ?? ''), ''].join('\n');
}

/**
 * The whole report: a title, a tally, then a section per dump (crashes first keep their order among
 * themselves). Sections that would take the text past `maxBytes` are named in one closing line instead:
 * GitHub drops a job summary larger than 1 MiB.
 */
export function formatMarkdown(outcomes: DumpOutcome[], maxBytes = Infinity): string {
  const parts = [`## Native crash reports\n\n${tally(outcomes)}.\n\n`];
  // Room for the closing line, which names at most 20 of the dumps left out.
  let budget = maxBytes - Buffer.byteLength(parts[0]!) - 8192;
  const ordered = [...outcomes.filter((o) => o.crashed), ...outcomes.filter((o) => !o.crashed)];
  const left: string[] = [];
  for (const o of ordered) {
    const s = `${section(o)}\n`;
    budget -= Buffer.byteLength(s);
    if (left.length === 0 && budget >= 0) parts.push(s);
    else left.push(o.dump);
  }
  if (left.length) {
    const names = left.slice(0, 20).map(code).join(', ') + (left.length > 20 ? ', …' : '');
    parts.push(`${left.length} more minidump${left.length === 1 ? '' : 's'} not shown here (size limit): ${names}\n`);
  }
  return parts.join('');
}
