/**
 * A parser for Google Breakpad's `minidump_stackwalk -m` ("machine readable") output, used as an
 * independent reference in the corpus conformance tests.
 *
 * The format is pipe-delimited, one record a line (see Breakpad's `stackwalk_common.cc`):
 *
 *   OS|<os>|<version>
 *   CPU|<arch>|<info>|<count>
 *   GPU|||
 *   Crash|<reason>|<address>|<crashing thread INDEX>      (or `Crash|No crash|||` / empty fields)
 *   Module|<code file>|<version>|<debug file>|<debug id>|<base>|<end (inclusive)>|<is main module>
 *   <thread index>|<frame index>|<module>|<function>|<file>|<line>|<offset>
 *
 * The frame `offset` depends on what Breakpad knows about the frame: with a source file it is
 * `instruction - line start`, with only a function `instruction - function start`, with only a module
 * `instruction - module base`, and with nothing the absolute instruction address. Breakpad lists each
 * inlined call as a frame of its own.
 */

export interface BreakpadModule {
  codeFile: string;
  version: string;
  debugFile: string;
  /** Empty when the module has no CodeView / build id record. */
  debugId: string;
  base: bigint;
  /** Inclusive end address. */
  end: bigint;
  isMain: boolean;
}

export interface BreakpadFrame {
  thread: number;
  frame: number;
  module: string;
  function: string;
  file: string;
  line: number | null;
  offset: bigint;
}

export interface BreakpadMachineOutput {
  os: { name: string; version: string };
  cpu: { arch: string; info: string; count: number };
  /** `null` when Breakpad reports no crash. */
  crash: { reason: string; address: bigint; threadIndex: number } | null;
  modules: BreakpadModule[];
  /** Frames per thread index, in order. */
  threads: Map<number, BreakpadFrame[]>;
}

const hex = (s: string, what: string): bigint => {
  if (!/^0x[0-9a-fA-F]+$/.test(s)) throw new Error(`breakpad -m: ${what} is not hex: ${JSON.stringify(s)}`);
  return BigInt(s);
};

export function parseBreakpadMachine(text: string): BreakpadMachineOutput {
  const out: BreakpadMachineOutput = {
    os: { name: '', version: '' },
    cpu: { arch: '', info: '', count: 0 },
    crash: null,
    modules: [],
    threads: new Map(),
  };
  let sawOs = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const f = line.split('|');
    switch (f[0]) {
      case 'OS':
        out.os = { name: f[1] ?? '', version: f[2] ?? '' };
        sawOs = true;
        continue;
      case 'CPU':
        out.cpu = { arch: f[1] ?? '', info: f[2] ?? '', count: Number(f[3] ?? 0) };
        continue;
      case 'GPU':
        continue;
      case 'Crash':
        if (f[1] && f[1] !== 'No crash' && f[2]) {
          out.crash = { reason: f[1], address: hex(f[2], 'crash address'), threadIndex: Number(f[3]) };
        }
        continue;
      case 'Module':
        if (f.length !== 8) throw new Error(`breakpad -m: bad Module line: ${line}`);
        out.modules.push({
          codeFile: f[1]!,
          version: f[2]!,
          debugFile: f[3]!,
          debugId: f[4]!,
          base: hex(f[5]!, 'module base'),
          end: hex(f[6]!, 'module end'),
          isMain: f[7] === '1',
        });
        continue;
      default:
        break;
    }
    if (/^\d+$/.test(f[0]!) && f.length === 7) {
      const frame: BreakpadFrame = {
        thread: Number(f[0]),
        frame: Number(f[1]),
        module: f[2]!,
        function: f[3]!,
        file: f[4]!,
        line: f[5] === '' ? null : Number(f[5]),
        offset: hex(f[6]!, 'frame offset'),
      };
      const list = out.threads.get(frame.thread) ?? [];
      list.push(frame);
      out.threads.set(frame.thread, list);
      continue;
    }
    throw new Error(`breakpad -m: unrecognised line: ${line}`);
  }
  if (!sawOs) throw new Error('breakpad -m: no OS line');
  return out;
}

/** The last path component, for `/` and `\` separated paths alike (Breakpad prints code files this way). */
export const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** A debug id as a fact: `null` when absent, whether spelled empty, as 33 zeros, or as null. */
export const debugIdFact = (id: string | null | undefined): string | null =>
  !id || /^0+$/.test(id) ? null : id.toUpperCase();
