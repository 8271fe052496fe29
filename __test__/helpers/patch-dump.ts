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

/**
 * The bytes of `dumpPath` with the code file name of the module named `from` replaced by `to`, of any length and
 * content (NUL included): the new MINIDUMP_STRING is appended to the file and the module's name RVA pointed at it
 * (the old string stays behind, unreferenced, which the format allows). On Linux the code file is also the module's
 * debug file, the name symbol lookups use.
 */
export function relocateModuleName(dumpPath: string, from: string, to: string): Buffer {
  const bytes = readFileSync(dumpPath);
  const streams = bytes.readUInt32LE(8);
  const dir = bytes.readUInt32LE(12);
  let nameField = -1;
  for (let i = 0; i < streams; i++) {
    if (bytes.readUInt32LE(dir + i * 12) !== 4) continue; // ModuleListStream
    const list = bytes.readUInt32LE(dir + i * 12 + 8);
    for (let k = 0, n = bytes.readUInt32LE(list); k < n; k++) {
      const field = list + 4 + k * 108 + 20; // MINIDUMP_MODULE.ModuleNameRva
      const at = bytes.readUInt32LE(field);
      const name = bytes.toString('utf16le', at + 4, at + 4 + bytes.readUInt32LE(at));
      if (name === from) nameField = field;
    }
  }
  if (nameField < 0) throw new Error(`no module named ${from}`);
  const pad = Buffer.alloc((4 - (bytes.length % 4)) % 4);
  const name = Buffer.from(to, 'utf16le');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(name.length);
  const out = Buffer.concat([bytes, pad, header, name, Buffer.alloc(2)]);
  out.writeUInt32LE(bytes.length + pad.length, nameField);
  return out;
}
