#!/usr/bin/env node
// The esbuild step of `npm run build:ts`, run after tsc. tsc's CommonJS output serves Node and bundlers; some
// entry points must be single files instead:
//
// - build/preload/index.js, build/preload/namespaced.js: a sandboxed preload's `require` knows `electron` and a few
//   builtins only, so each preload is one CommonJS file whose only import is `electron` (checked below: the build
//   fails if anything else is left external). They replace tsc's output of the same name; tsc's .d.ts stay.
// - build/renderer/index.mjs: the renderer SDK as an ES module for bundlers, so that they can tree-shake
//   @sentry/browser (left as an import, like every package).
// - build/renderer/bundle.js: the renderer SDK with @sentry/browser inside, as a classic script for pages without a
//   bundler: `<script src=".../bundle.js">` defines `window.SentryElectronRenderer` (`init`, `captureException`, …).
//   A classic script cannot be tree-shaken by the app, so this one leaves out what is large and used by few:
//   Session Replay (with its canvas recording) and the Feedback widget, about half the size. It has every other
//   name of the ES module.
// - build/renderer/bundle.full.js: the same script with Replay and Feedback, for pages that use them.
// - build/renderer/ai.js: the AI SDK instrumentations (ts/renderer/ai.ts) from their own files in
//   @sentry/server-utils, not from its package root, which loads Node-only modules that no page has; every
//   renderer output takes them the same way (plugin `aiInstrumentationsOnly`). bundle.js leaves them out too.
//
//   node scripts/build-bundles.mjs
import { build } from 'esbuild';
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Electron 35 (the oldest supported) ships Chromium 134.
const target = 'chrome134';

const serverUtils = dirname(createRequire(import.meta.url).resolve('@sentry/server-utils/package.json'));
/** Each instrumentation that ts/renderer/ai.ts imports, and its file in server-utils' ES build. */
const AI_FILES = {
  instrumentOpenAiClient: 'openai/index.js',
  instrumentAnthropicAiClient: 'anthropic-ai/index.js',
  instrumentGoogleGenAIClient: 'google-genai/index.js',
  createLangChainCallbackHandler: 'langchain/index.js',
  instrumentLangChainEmbeddings: 'langchain/embeddings.js',
  instrumentStateGraph: 'langgraph/index.js',
  instrumentCreateReactAgent: 'langgraph/index.js',
};

/** `@sentry/conventions/<sub>` as the package nearest to `dir` has it (its ES build), or undefined. */
function conventionsFile(dir, sub) {
  for (; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', '@sentry', 'conventions', 'dist', `${sub}.mjs`);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

const aiInstrumentationsOnly = {
  name: 'ai-instrumentations-only',
  setup(b) {
    b.onResolve({ filter: /^@sentry\/server-utils$/ }, () => ({ path: 'ai', namespace: 'server-utils-ai' }));
    b.onLoad({ filter: /.*/, namespace: 'server-utils-ai' }, () => ({
      contents: Object.entries(AI_FILES)
        .map(([name, file]) => `export { ${name} } from ${JSON.stringify(join(serverUtils, 'build', 'esm', 'ai', file))};`)
        .join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
    // Bundled in even where packages stay imports: an app's bundler would look for @sentry/conventions from our
    // package, whose copy (if any) is not the version server-utils was built with. @sentry/core stays shared.
    b.onResolve({ filter: /^@sentry\/conventions\/[a-z]+$/ }, (args) => {
      if (!args.importer.startsWith(serverUtils)) return undefined;
      const file = conventionsFile(args.resolveDir, args.path.split('/')[2]);
      return file ? { path: file } : undefined;
    });
  },
};

const common = {
  plugins: [aiInstrumentationsOnly],
  absWorkingDir: root,
  bundle: true,
  platform: 'browser',
  target,
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

const jobs = [
  { entryPoints: ['ts/preload/index.ts'], outfile: 'build/preload/index.js', format: 'cjs', external: ['electron'], onlyImport: 'electron' },
  { entryPoints: ['ts/preload/namespaced.ts'], outfile: 'build/preload/namespaced.js', format: 'cjs', external: ['electron'], onlyImport: 'electron' },
  { entryPoints: ['ts/renderer/index.ts'], outfile: 'build/renderer/index.mjs', format: 'esm', packages: 'external' },
  { entryPoints: ['ts/renderer/ai.ts'], outfile: 'build/renderer/ai.js', format: 'cjs', packages: 'external' },
  { entryPoints: ['ts/renderer/index.ts'], outfile: 'build/renderer/bundle.full.js', format: 'iife', globalName: 'SentryElectronRenderer', minify: true },
  { lean: true, outfile: 'build/renderer/bundle.js', format: 'iife', globalName: 'SentryElectronRenderer', minify: true },
];

/** The renderer names that bundle.js leaves out: Replay, its canvas recording, the Feedback widget, AI SDKs. */
const HEAVY = new Set([
  ...['replayIntegration', 'replayCanvasIntegration', 'getReplay', 'feedbackIntegration', 'feedbackSyncIntegration', 'feedbackAsyncIntegration', 'getFeedback', 'sendFeedback'],
  ...[...Object.keys(AI_FILES), 'instrumentLangGraph'],
]);
let rendererExports;

for (const { onlyImport, lean, ...options } of jobs) {
  if (lean) {
    // Every name of the ES module but the heavy ones, re-exported by name so that esbuild drops what they pull in.
    const names = rendererExports.filter((name) => !HEAVY.has(name));
    options.stdin = { contents: `export { ${names.join(', ')} } from './ts/renderer/index.ts';`, resolveDir: root, sourcefile: 'renderer-bundle.js', loader: 'js' };
  }
  const result = await build({ ...common, ...options });
  if (options.outfile === 'build/renderer/index.mjs') rendererExports = Object.values(result.metafile.outputs).find((o) => o.exports?.length)?.exports;
  if (onlyImport) {
    // What the bundle still imports at run time: for a preload, anything but `electron` breaks in a sandbox.
    const leftOver = Object.values(result.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && i.path !== onlyImport)
      .map((i) => i.path);
    if (leftOver.length) {
      console.error(`build-bundles: ${options.outfile} must import only ${onlyImport}, but imports ${[...new Set(leftOver)].join(', ')}`);
      process.exit(1);
    }
  }
  const out = Object.entries(result.metafile.outputs).find(([file]) => !file.endsWith('.map'));
  console.log(`build-bundles: ${relative(root, join(root, out[0]))} (${(out[1].bytes / 1024).toFixed(1)} KiB)`);
}

// tsc emits no .d.ts for a .d.ts input, but build/native/load.d.ts imports the generated binding declarations: without
// this copy the published types (and anything type-checked against the package) break.
copyFileSync(join(root, 'ts/native/binding.generated.d.ts'), join(root, 'build/native/binding.generated.d.ts'));
