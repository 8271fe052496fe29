// Launching apps of the Electron benchmark in the fake host (__test__/electron-host). Every app is detached (its own
// process group: main and its renderers); the crash handler it starts has its own group too and announces its pid.
// All are killed when the app is disposed, and when the bench exits or is interrupted.
import fs from 'node:fs';
import path from 'node:path';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const live = new Set();
const killAll = () => live.forEach((k) => k());
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}
/**
 * `launch(appConfig, { tsx, exposeGc })` for the bench's main script `app` (bench/electron-app.cjs), each app with a
 * fresh userData under `scratch`. `cpuProf`: a folder for V8 CPU profiles of every main; `sdkDebug`: keep stdout.
 */
export function appLauncher({ root, app: appScript, scratch, cpuProf, sdkDebug }) {
  const hook = path.join(root, '__test__/electron-host/hook.cjs');
  let appSeq = 0;
  return function launch(appConfig, { tsx, exposeGc = false }) {
    const userData = fs.mkdtempSync(path.join(scratch, `app${appSeq++}-`));
    const child = fork(appScript, [], {
      execArgv: [...(exposeGc ? ['--expose-gc'] : []), '--require', hook, ...(tsx ? ['--import', pathToFileURL(require.resolve('tsx')).href] : []), ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProf, `${appConfig.sdk}-${appConfig.mode}`)] : [])],
      env: {
        ...process.env,
        FAKE_ELECTRON_ROLE: 'main',
        FAKE_ELECTRON_APP_NAME: 'BenchApp',
        FAKE_ELECTRON_APP_VERSION: '1.0.0',
        FAKE_ELECTRON_USER_DATA: userData,
        FAKE_ELECTRON_RENDERER: 'node',
        BENCH_ELECTRON_APP: JSON.stringify(appConfig),
      },
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: true,
    });
    const spawnedAt = performance.now();
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => sdkDebug && (stderr = (stderr + c).slice(-20000)));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-20000)));
    const handlers = new Set();
    const messages = [];
    const waiters = new Set();
    let exited = null;
    child.on('message', (m) => {
      if (m?.fakeElectron === 'crash-handler' && m.pid) handlers.add(m.pid);
      if (m?.fakeElectron) return;
      messages.push(m);
      waiters.forEach((w) => w());
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      waiters.forEach((w) => w());
    });
    const kill = () => {
      for (const target of [-child.pid, ...handlers]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    };
    live.add(kill);
    let nextId = 1;
    const app = {
      pid: child.pid,
      spawnedAt,
      stderr: () => stderr,
      /** The first message of `type` (matching `id` when given) not taken before. */
      wait(type, { id, timeoutMs = 60_000 } = {}) {
        return new Promise((ok, fail) => {
          const look = () => {
            const types = Array.isArray(type) ? type : [type];
            const i = messages.findIndex((m) => types.includes(m.type) && (id === undefined || m.id === id));
            if (i >= 0) {
              const [m] = messages.splice(i, 1);
              done();
              if (m.type === 'error') fail(new Error(`app: ${m.error}`));
              else ok(m);
            } else if (exited) {
              done();
              fail(new Error(`the app exited (${JSON.stringify(exited)}) waiting for "${type}"; stderr:\n${stderr.slice(-3000)}`));
            }
          };
          const timer = setTimeout(() => {
            done();
            fail(new Error(`no "${type}" from the app within ${timeoutMs} ms; stderr:\n${stderr.slice(-3000)}`));
          }, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            waiters.delete(look);
          };
          waiters.add(look);
          look();
        });
      },
      /** Sends a command and waits for its answer of `type`. */
      async ask(cmd, type, extra = {}, timeoutMs) {
        const id = nextId++;
        if (child.connected) child.send({ cmd, id, ...extra });
        return app.wait([type, 'error'], { id, timeoutMs });
      },
      snapshot: (extra = {}) => app.ask('snapshot', 'snapshot', extra),
      async dispose() {
        if (cpuProf && !exited && child.connected) {
          // Let the process write its profile (at exit), then kill the rest of the group.
          child.send({ cmd: 'exit' });
          await Promise.race([new Promise((r) => child.once('exit', r)), sleep(60_000)]);
        }
        kill();
        live.delete(kill);
        if (!exited) await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
        fs.rmSync(userData, { recursive: true, force: true });
      },
    };
    return app;
  };
}
