/**
 * Runs the built CLI as a user's shell would, asynchronously: a test's own HTTP server must keep answering
 * while the CLI runs, which `spawnSync` would prevent.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'build', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where runs without `--cache` keep symbols: never the real user's cache folder. */
const SCRATCH_CACHE_HOME = mkdtempSync(join(tmpdir(), 'sen-cli-cache-home-'));

/**
 * The CLI's environment: this process's, without GitHub's step-summary variable (tests may run on GitHub),
 * with `XDG_CACHE_HOME` in a scratch folder, then `env` on top.
 */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: SCRATCH_CACHE_HOME };
  delete base.GITHUB_STEP_SUMMARY;
  return { ...base, ...env };
}

/** Spawns `file args` and collects its output; kills it after `timeoutMs`. */
export function runProcess(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: cliEnv(options.env), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `sentry-electron-native ...args` */
export const runCli = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> =>
  runProcess(process.execPath, [CLI, ...args], options);
