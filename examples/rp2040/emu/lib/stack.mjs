// Where the stack goes, measured on the emulator: a shadow call stack kept
// from the branch-with-links the core takes, each function's own frame
// (how far below its entry the stack pointer was when it called the next
// one), and the chain of calls at the deepest point of the run.

/** A readable name from a mangled Rust symbol (legacy mangling). */
export function demangle(name) {
  const m = name.match(/^_ZN(.*)E$/);
  if (!m) return name;
  const parts = [];
  let s = m[1];
  while (s.length) {
    const n = s.match(/^(\d+)/);
    if (!n) break;
    const len = Number(n[1]);
    parts.push(s.slice(n[1].length, n[1].length + len));
    s = s.slice(n[1].length + len);
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  return parts
    .join('::')
    .replace(/\$LT\$/g, '<')
    .replace(/\$GT\$/g, '>')
    .replace(/\$u20\$/g, ' ')
    .replace(/\$RF\$/g, '&')
    .replace(/\$BP\$/g, '*')
    .replace(/\$C\$/g, ',')
    .replace(/\$u7b\$/g, '{')
    .replace(/\$u7d\$/g, '}')
    .replace(/\.\./g, '::');
}

export class StackProfile {
  constructor(board) {
    this.board = board;
    const fns = [...board.symbols].filter(([, s]) => s.size > 0).map(([name, s]) => ({ name, ...s }));
    fns.sort((a, b) => a.addr - b.addr);
    this.fns = fns;
    this.shadow = [];
    // The firmware's stack starts here; boot2 runs before, on the ROM's.
    this.stackTop = board.symbols.get('_stack_start')?.addr ?? 0x20042000;
    this.self = new Map(); // function start -> deepest own frame seen, bytes
    this.minSp = 0xffffffff;
    this.deepest = [];
  }

  nameAt(addr) {
    let lo = 0;
    let hi = this.fns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.fns[mid];
      if (addr < f.addr) hi = mid - 1;
      else if (addr >= f.addr + f.size) lo = mid + 1;
      else return demangle(f.name);
    }
    return `0x${addr.toString(16)}`;
  }

  /** Drops the calls that have returned: those made below `sp` (or at it, `orEqual`). */
  prune(sp, orEqual = false) {
    const s = this.shadow;
    while (s.length && (s[s.length - 1].sp < sp || (orEqual && s[s.length - 1].sp === sp))) s.pop();
  }

  /** A branch-with-link to `target`, the stack pointer at `sp`. */
  call(target, sp) {
    // A call made at the same stack pointer as the last one: that one returned.
    this.prune(sp, true);
    const top = this.shadow[this.shadow.length - 1];
    if (top && top.sp <= this.stackTop) this.self.set(top.fn, Math.max(this.self.get(top.fn) ?? 0, top.sp - sp));
    this.shadow.push({ fn: target, sp });
  }

  /** Called with the stack pointer of each instruction. */
  sp(sp) {
    if (sp >= this.minSp) return;
    this.minSp = sp;
    this.prune(sp);
    this.deepest = this.shadow.map((e) => ({ fn: e.fn, sp: e.sp }));
  }

  report(count = 12) {
    const { stackTop } = this;
    const lines = [];
    // From the firmware's entry on (boot2 runs on the boot ROM's stack).
    const chain = this.deepest.filter((e) => e.sp <= stackTop);
    lines.push(`deepest point: ${stackTop - this.minSp} B below the top of the stack, in this chain (bytes each function takes below its caller):`);
    for (let i = 0; i < chain.length; i++) {
      const below = (i + 1 < chain.length ? chain[i + 1].sp : this.minSp);
      lines.push(`  ${String(chain[i].sp - below).padStart(5)} B  ${this.nameAt(chain[i].fn)}`);
    }
    lines.push(`largest own frames seen (bytes below the function's entry when it calls the next):`);
    const top = [...this.self].sort((a, b) => b[1] - a[1]).slice(0, count);
    for (const [fn, bytes] of top) lines.push(`  ${String(bytes).padStart(5)} B  ${this.nameAt(fn)}`);
    return lines.join('\n');
  }
}
