import { leafName } from './missing-symbols';
import type { CrashpadInfo, Frame, InlineFrame, MinidumpReport, ThreadInfo } from '../native/types';

/** Breakpad's and minidump-stackwalk's words for how a frame was found (`Found by: …`). */
const TRUST_TEXT: Record<Frame['trust'], string> = {
  context: 'given as instruction pointer in context',
  prewalked: 'recovered by external stack walker',
  cfi: 'call frame info',
  cfi_scan: 'call frame info with scanning',
  fp: 'previous frame\'s frame pointer',
  scan: 'stack scanning',
  none: 'unknown',
};

/** `0x` + lowercase hex of `to - from`, the way Breakpad prints offsets. */
const offset = (to: string, from: bigint): string => `0x${(BigInt(to) - from).toString(16)}`;

/**
 * A frame in Breakpad's notation: `module!function [file : line + 0xN]`, `module!function + 0xN`,
 * `module + 0xN` or the bare address, the source file by its name only. Breakpad counts every offset from the return address (the program
 * counter for frame 0), not from the adjusted address symbols were looked up at, and the offset in brackets
 * from the start of the line's code, not of the function.
 */
function frameLocation(f: Frame): string {
  const module = f.module ?? '';
  if (f.function) {
    // With inlined calls, the line's start rust-minidump reports is not that of the code at the address
    // (Breakpad's base): no offset rather than a wrong one.
    const lineOffset = f.lineAddress && f.inlines.length === 0 ? ` + ${offset(f.returnAddress, BigInt(f.lineAddress))}` : '';
    if (f.file) return `${module}!${f.function} [${leafName(f.file)} : ${f.line ?? '?'}${lineOffset}]`;
    if (f.functionOffset) return `${module}!${f.function} + ${offset(f.returnAddress, BigInt(f.instruction) - BigInt(f.functionOffset))}`;
    return `${module}!${f.function}`;
  }
  if (module && f.moduleOffset) return `${module} + ${offset(f.returnAddress, BigInt(f.instruction) - BigInt(f.moduleOffset))}`;
  return f.returnAddress;
}

/** An inlined call has no address of its own: Breakpad names it and its line only. */
const inlineLocation = (module: string | null, i: InlineFrame): string =>
  `${module ?? ''}!${i.function}${i.file ? ` [${leafName(i.file)} : ${i.line ?? '?'}]` : ''}`;

/**
 * The logical frames of a stack, numbered the way minidump-stackwalk numbers them: a physical frame's inlined
 * calls come first (innermost first), each a frame of its own at the same address.
 */
function* logicalFrames(frames: Frame[]): Generator<{ n: number; location: string; frame: Frame; inlined: boolean }> {
  let n = 0;
  for (const frame of frames) {
    for (const inline of frame.inlines) yield { n: n++, location: inlineLocation(frame.module, inline), frame, inlined: true };
    yield { n: n++, location: frameLocation(frame), frame, inlined: false };
  }
}

/** One line per logical frame, `NN  module!function [file : line + offset]`: for reports meant to be skimmed. */
export function compactFrameLines(frames: Frame[]): string[] {
  return [...logicalFrames(frames)].map(({ n, location }) => `${String(n).padStart(2)}  ${location}`);
}

function frameLines(frames: Frame[], registers?: Record<string, string>): string[] {
  const out: string[] = [];
  for (const { n, location, frame, inlined } of logicalFrames(frames)) {
    out.push(`${String(n).padStart(2)}  ${location}`);
    if (inlined) {
      out.push('    Found by: inlining');
      continue;
    }
    if (frame.index === 0 && registers) {
      const regs = Object.entries(registers).map(([k, v]) => `${k} = ${v}`);
      for (let i = 0; i < regs.length; i += 4) out.push(`    ${regs.slice(i, i + 4).join('    ')}`);
    } else {
      out.push(`    ${frame.returnAddress}`);
    }
    out.push(`    Found by: ${TRUST_TEXT[frame.trust]}`);
  }
  return out;
}

function threadHeading(index: number, t: ThreadInfo, crashing: boolean): string {
  return `Thread ${index} (id ${t.id}${t.name ? `, ${t.name}` : ''})${crashing ? ' (crashed)' : ''}`;
}

/** Crashpad's annotations, one per line: the process-wide ones, then each annotated module's, indented. */
export function crashpadLines(c: CrashpadInfo | null): string[] {
  if (!c) return [];
  const out = Object.entries(c.simpleAnnotations).map(([k, v]) => `${k} = ${v}`);
  for (const m of c.modules) {
    const lines = [
      ...m.listAnnotations.map((a) => `  ${a}`),
      ...Object.entries(m.simpleAnnotations).map(([k, v]) => `  ${k} = ${v}`),
      ...m.annotationObjects.map((o) => `  ${o.name} = ${o.value}${o.type === 1 ? '' : ` (type ${o.type})`}`),
    ];
    if (lines.length) out.push(`module ${m.moduleIndex} ${m.module ?? ''}`.trimEnd(), ...lines);
  }
  return out;
}

/** A readable report in the spirit of `minidump-stackwalk`'s human output, plus Crashpad annotations. */
export function formatText(r: MinidumpReport): string {
  const out: string[] = [];
  const s = r.system;
  out.push(`Operating system: ${s.os}${s.osVersion ? ` ${s.osVersion}` : ''}${s.osBuild ? ` ${s.osBuild}` : ''}`);
  out.push(`CPU: ${s.cpuArch}${s.cpuInfo ? `, ${s.cpuInfo}` : ''}, ${s.cpuCount} CPU${s.cpuCount === 1 ? '' : 's'}`);
  if (r.processType) out.push(`Process type: ${r.processType}`);
  if (r.processId !== null) out.push(`Process id: ${r.processId}`);
  out.push(`Dump written: ${r.dumpTime}`);
  out.push('');
  if (r.crash) {
    out.push(`Crash reason:  ${r.crash.reason} (code ${r.crash.code})`);
    out.push(`Crash address: ${r.crash.address}`);
    if (r.crash.assertion) out.push(`Assertion:     ${r.crash.assertion}`);
  } else {
    out.push('No crash: the process was dumped while running.');
  }
  out.push('');

  const crashing = r.crashingThread;
  if (crashing) {
    const index = r.threads.findIndex((t) => t.id === crashing.id);
    out.push(threadHeading(index, crashing, r.crash !== null));
    out.push(...frameLines(crashing.frames, crashing.registers));
    if (crashing.framesTruncated) out.push('    … more frames not shown (maxFrames)');
    out.push('');
  }
  r.threads.forEach((t, i) => {
    if (t.id === crashing?.id || !t.frames) return;
    out.push(threadHeading(i, t, false), ...frameLines(t.frames), '');
  });
  if (!r.threads.some((t) => t.frames) && r.threads.length > 1) {
    out.push(`${r.threads.length - 1} other threads not walked (use --all-threads).`, '');
  }

  if (r.crashpad) {
    const c = r.crashpad;
    out.push('Crashpad:', `  report id: ${c.reportId}`, `  client id: ${c.clientId}`, ...crashpadLines(c).map((l) => `  ${l}`), '');
  }

  out.push('Loaded modules:');
  for (const m of r.modules) {
    const id = m.debugId ? `  (${m.debugFile ?? ''} ${m.debugId})` : '';
    out.push(`  ${m.baseAddress} ${m.codeFile}${m.version ? ` ${m.version}` : ''}${id}${m.symbolsLoaded ? '  symbols' : ''}`);
  }
  if (r.unloadedModules.length) {
    out.push('', 'Unloaded modules:');
    for (const m of r.unloadedModules) out.push(`  ${m.baseAddress} ${m.codeFile}`);
  }
  if (r.warnings.length) {
    out.push('', 'Warnings:');
    for (const w of r.warnings) out.push(`  ${w.code}: ${w.message}`);
  }
  return out.join('\n') + '\n';
}
