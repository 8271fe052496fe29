/**
 * Crafted dumps for path-traversal tests: a copy of a real dump with a module's names rewritten in place.
 * Only strings are touched, never their positions, so the dump stays valid and every other fact stays true.
 */
import { readFileSync } from 'node:fs';

/** The one offset of `needle` in `hay`; throws when it occurs zero or several times (the patch would be ambiguous). */
function onlyOffset(hay: Buffer, needle: Buffer, what: string): number {
  const at = hay.indexOf(needle);
  if (at < 0 || hay.indexOf(needle, at + 1) >= 0) throw new Error(`${what} must occur exactly once in the dump`);
  return at;
}

export interface ModuleNamePatch {
  /** The CodeView (PDB70) debug file name, NUL-terminated in the dump: `to` may not be longer than `from`. */
  debugFile?: [from: string, to: string];
  /** The module's code file, a MINIDUMP_STRING (byte length, then UTF-16LE): `to` may not be longer than `from`. */
  codeFile?: [from: string, to: string];
}

/** The bytes of `dumpPath` with a module's debug file and/or code file renamed. */
export function patchModuleNames(dumpPath: string, patch: ModuleNamePatch): Buffer {
  const bytes = Buffer.from(readFileSync(dumpPath));
  if (patch.debugFile) {
    const [from, to] = patch.debugFile;
    if (Buffer.byteLength(to) > Buffer.byteLength(from)) throw new Error('debug file: the new name must not be longer');
    const at = onlyOffset(bytes, Buffer.from(`${from}\0`), `debug file ${from}`);
    bytes.fill(0, at, at + Buffer.byteLength(from));
    bytes.write(to, at, 'utf8');
  }
  if (patch.codeFile) {
    const [from, to] = patch.codeFile;
    if (to.length > from.length) throw new Error('code file: the new name must not be longer');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(from.length * 2);
    const at = onlyOffset(bytes, Buffer.concat([length, Buffer.from(from, 'utf16le')]), `code file ${from}`);
    bytes.writeUInt32LE(to.length * 2, at);
    bytes.fill(0, at + 4, at + 4 + from.length * 2);
    bytes.write(to, at + 4, 'utf16le');
  }
  return bytes;
}
