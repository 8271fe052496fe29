// bench/RESULTS.md is shared by the bench scripts: each one owns one section, between
//   <!-- bench:NAME -->  and  <!-- /bench:NAME -->
// and replaces only that section when it runs (appending it when absent), leaving the others as they were.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREAMBLE =
  '<!-- Benchmark results. Each bench script (bench/*.mjs) rewrites only its own section, between its ' +
  '`bench:NAME` markers; do not edit inside a section by hand. -->\n';

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with the section `name` set to `body` (replaced in place, or appended). */
export function replaceSection(text, name, body) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.replace(/\s+$/, '')}\n${close}`;
  const re = new RegExp(`${escapeRe(open)}[\\s\\S]*?${escapeRe(close)}`);
  // A function replacement, so `$` in the body is taken literally.
  if (re.test(text)) return text.replace(re, () => block);
  const base = text.trim() ? text.replace(/\s*$/, '\n\n') : PREAMBLE + '\n';
  return `${base}${block}\n`;
}

/** Rewrites section `name` of the results file `file` (atomically: a reader sees the old file or the new one). */
export function writeResultsSection(file, name, body) {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, replaceSection(text, name, body));
  fs.renameSync(tmp, file);
}

/** The machine, for the "Machine and command" lines of a section. */
export function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*(.*)$/m.exec(cpuinfo)?.[1];
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  return {
    cpu: model + (mhz ? ` (${Number(mhz).toFixed(0)} MHz)` : ''),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memGiB: (memKb / 1024 / 1024).toFixed(1),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}
