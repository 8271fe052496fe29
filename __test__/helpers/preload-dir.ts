/** A preload folder shaped like the package's build/preload, for PreloadInjection's specs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './transport';

/** `index.js` empty; `namespaced.js` a CommonJS bundle whose `hookupIpc(ns)` pushes to `require('electron').hooked`. */
export function preloadDir(t: { teardown(fn: () => void): void }): string {
  const dir = path.join(scratchDir(t, 'preload-'), 'preload');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'index.js'), '"use strict";\n');
  writeFileSync(
    path.join(dir, 'namespaced.js'),
    '"use strict";\nvar e = require("electron");\nmodule.exports = { hookupIpc: function (ns) { e.hooked.push(ns); } };\n//# sourceMappingURL=namespaced.js.map\n',
  );
  return dir;
}
