// The parts of an ELF32 little-endian ARM image the runner needs: the
// loadable segments (the flash image) and the symbol table.
import { readFileSync } from 'node:fs';

const PT_LOAD = 1;
const SHT_SYMTAB = 2;

export function readElf(path) {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 1 || buf[5] !== 1) {
    throw new Error(`${path}: not a 32-bit little-endian ELF file`);
  }
  const u16 = (o) => view.getUint16(o, true);
  const u32 = (o) => view.getUint32(o, true);
  const phoff = u32(0x1c);
  const shoff = u32(0x20);
  const phentsize = u16(0x2a);
  const phnum = u16(0x2c);
  const shentsize = u16(0x2e);
  const shnum = u16(0x30);

  const segments = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const type = u32(p);
    const offset = u32(p + 4);
    const paddr = u32(p + 12);
    const filesz = u32(p + 16);
    if (type === PT_LOAD && filesz > 0) {
      segments.push({ paddr, data: buf.subarray(offset, offset + filesz) });
    }
  }

  const symbols = new Map();
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * shentsize;
    if (u32(s + 4) !== SHT_SYMTAB) continue;
    const offset = u32(s + 16);
    const size = u32(s + 20);
    const strtab = shoff + u32(s + 24) * shentsize;
    const strOffset = u32(strtab + 16);
    const entsize = u32(s + 36) || 16;
    for (let e = offset; e + entsize <= offset + size; e += entsize) {
      const nameAt = strOffset + u32(e);
      const end = buf.indexOf(0, nameAt);
      const name = buf.toString('latin1', nameAt, end);
      if (name) symbols.set(name, { addr: u32(e + 4) & ~1, size: u32(e + 8) });
    }
  }
  return { segments, symbols };
}
