/**
 * GitHub Actions output: an `::error` workflow command per crash (an annotation on the run) and the Markdown
 * report as the job summary.
 */
import { appendFileSync } from 'node:fs';
import { formatMarkdown } from './markdown';
import { modulesWithoutSymbols } from './missing-symbols';
import { crashSite, type DumpOutcome } from './outcome';
import { compactFrameLines } from './text';

/** GitHub drops a job summary larger than this (per step). */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/** Frames in an annotation's message: the annotation points at the report, it does not replace it. */
const ANNOTATION_FRAMES = 12;

/**
 * A command's message: the runner reads one command per line and decodes `%XX`, so `%`, CR and LF must be
 * escaped (the rules of actions/toolkit's `escapeData`).
 */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property value: `:` ends the properties and `,` separates them, so both are escaped too. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::name key=value,…::message` with every part escaped. */
export function workflowCommand(name: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** One `::error` per crashing dump, one `::warning` per unreadable dump; nothing for dumps without a crash. */
export function githubAnnotations(outcomes: DumpOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes) {
    if (o.error) {
      lines.push(workflowCommand('warning', { title: `Unreadable minidump ${o.dump}` }, `${o.error.code}: ${o.error.message}`));
    }
    const r = o.report;
    if (!r?.crash) continue;
    const site = crashSite(r);
    const title = `Native crash: ${r.crash.reason}${site ? ` in ${site}` : ''}`;
    const frames = compactFrameLines(r.crashingThread?.frames ?? []);
    const missing = modulesWithoutSymbols(r).map((m) => m.module);
    const message = [
      `${o.dump}: ${r.crash.reason} at ${r.crash.address}${r.processType ? ` (${r.processType} process)` : ''}`,
      ...frames.slice(0, ANNOTATION_FRAMES),
      ...(frames.length > ANNOTATION_FRAMES ? [`… ${frames.length - ANNOTATION_FRAMES} more frames in the job summary`] : []),
      ...(missing.length ? [`No symbols for: ${missing.join(', ')}`] : []),
    ].join('\n');
    lines.push(workflowCommand('error', { title }, message));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * Appends the Markdown report to the file `$GITHUB_STEP_SUMMARY` names; without it (not on GitHub) the
 * report is returned to be printed instead.
 */
export function writeJobSummary(outcomes: DumpOutcome[], env: NodeJS.ProcessEnv = process.env): string | null {
  const markdown = formatMarkdown(outcomes, STEP_SUMMARY_MAX_BYTES);
  if (!env.GITHUB_STEP_SUMMARY) return markdown;
  appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  return null;
}
