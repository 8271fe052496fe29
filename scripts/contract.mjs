// Writes ts/native/contract.generated.ts from the Rust that defines the contract (crates/contract), or with
// `--check` regenerates it into a temp file and fails when the checked-in one differs (`.ci/run` lint step).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'ts/native/contract.generated.ts');
const check = process.argv.includes('--check');

const run = spawnSync('cargo', ['run', '--quiet', '--locked', '-p', 'contract'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 16 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error('contract: `cargo run -p contract` failed');
  process.exit(1);
}
if (!check) {
  fs.writeFileSync(target, run.stdout);
  console.log(`contract: wrote ${path.relative(root, target)}`);
  process.exit(0);
}
const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'contract.generated.ts');
fs.writeFileSync(fresh, run.stdout);
const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
if (current !== run.stdout) {
  spawnSync('diff', ['-u', target, fresh], { stdio: 'inherit' });
  console.error('contract: ts/native/contract.generated.ts is stale; run `npm run contract` and commit it');
  process.exit(1);
}
console.log('contract: ts/native/contract.generated.ts is up to date');
