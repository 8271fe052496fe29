/**
 * What memory a minidump carries, read straight from its streams (independent of the parser under test): the
 * thread list's stack descriptors, and every range in the memory lists (`MemoryListStream`, `Memory64ListStream`).
 * For checking that a stripped dump holds the threads' stacks and nothing else.
 */
/** MINIDUMP_SIGNATURE, little-endian `MDMP`. */
const MDMP = 0x504d444d;
/** The stream types read here (MINIDUMP_STREAM_TYPE). */
const Stream = { threadList: 3, memoryList: 5, memory64List: 9 } as const;

export interface MemoryRange {
  start: bigint;
  size: number;
  /** Where the bytes are in the file. */
  rva: number;
}

export interface DumpMemory {
  /** Each thread's stack, as the thread list describes it. */
  stacks: MemoryRange[];
  /** Every range of the memory lists. */
  memory: MemoryRange[];
}

export function dumpMemory(buf: Buffer): DumpMemory {
  if (buf.readUInt32LE(0) !== MDMP) throw new Error('not a minidump');
  const streams = buf.readUInt32LE(8);
  const dir = buf.readUInt32LE(12);
  const out: DumpMemory = { stacks: [], memory: [] };
  for (let i = 0; i < streams; i++) {
    const type = buf.readUInt32LE(dir + i * 12);
    const rva = buf.readUInt32LE(dir + i * 12 + 8);
    if (type === Stream.threadList) {
      // MINIDUMP_THREAD: id, suspend count, priority class, priority, TEB (u64), stack descriptor at 24, context.
      for (let k = 0, n = buf.readUInt32LE(rva); k < n; k++) {
        const o = rva + 4 + k * 48 + 24;
        out.stacks.push({ start: buf.readBigUInt64LE(o), size: buf.readUInt32LE(o + 8), rva: buf.readUInt32LE(o + 12) });
      }
    } else if (type === Stream.memoryList) {
      for (let k = 0, n = buf.readUInt32LE(rva); k < n; k++) {
        const o = rva + 4 + k * 16;
        out.memory.push({ start: buf.readBigUInt64LE(o), size: buf.readUInt32LE(o + 8), rva: buf.readUInt32LE(o + 12) });
      }
    } else if (type === Stream.memory64List) {
      const n = Number(buf.readBigUInt64LE(rva));
      let at = Number(buf.readBigUInt64LE(rva + 8));
      for (let k = 0; k < n; k++) {
        const o = rva + 16 + k * 16;
        const size = Number(buf.readBigUInt64LE(o + 8));
        out.memory.push({ start: buf.readBigUInt64LE(o), size, rva: at });
        at += size;
      }
    }
  }
  return out;
}

/** Whether `inner` lies within one of `outer`'s ranges (by address). */
export function within(inner: MemoryRange, outer: MemoryRange[]): boolean {
  const end = inner.start + BigInt(inner.size);
  return outer.some((o) => inner.start >= o.start && end <= o.start + BigInt(o.size));
}
