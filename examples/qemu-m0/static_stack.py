#!/usr/bin/env python3
"""Static worst-case stack bound of the engine calls of the QEMU Cortex-M0
firmware (thumbv6m-none-eabi), from its linked ELF. Standard library only.

Frame sizes: the `.stack_sizes` section that rustc's `-Z emit-stack-sizes`
has LLVM write (the fixed frame of every function it compiled: its pushes
and its `sub sp`). Functions without an entry there (compiler_builtins'
precompiled memcpy and division helpers, cortex-m's assembly) get the
frame read off their disassembly, and every function's disassembly frame
is checked against its `.stack_sizes` entry.

Call graph: `llvm-objdump -d` of the same ELF. `bl` to another function is
a call; `bl` inside the function is Thumb-1's far branch; `b` out of the
function is a tail call (counted as a call: an over-estimate); `mov pc, rN`
must be a jump table (after an `adr`) into the function; anything else is
an unresolved jump. `blx rN` is an indirect call, resolved per entry to
the function pointers the entry's own code takes (FMT_SCOPE, STORED
below); a site left without a target in core::fmt is unresolved. The
panic path (PANIC_ROOT) is cut and reported apart. Recursion through
core::fmt::write is followed FMT_DEPTH deep; any other cycle makes the
bound unbounded. Unresolved means unbounded, never a smaller figure.

The bound of a function is its frame plus the largest bound of its
callees: a call (`bl`) pushes nothing on ARMv6-M, the callee's prologue
does. Exceptions are not counted: this firmware enables no interrupt (a
fault ends the run), and an interrupt handler on a board adds its own
depth plus the 32 B the core stacks on entry.

Entries, as the firmware's probes measure them (`src/session/watch.rs`,
`src/session.rs`): `session::call::new`, and each `watch::out_of_line`
around the test kit's engine calls in the session without storage
(`Pair<.., NoStorage, 160>`), whose frames the painted measurement also
includes. Needs the ELF built with `-Z merge-functions=disabled`, so that
each of those closures keeps a symbol of its own.

Usage: static_stack.py ELF OBJDUMP [--measured RUN_LOG] [--budgets MAIN_RS]
                        [--budgets-name NAME] [--check] [--fail-over-budget]
  --measured: the firmware's QEMU output, for the painted figures
  --budgets:  src/main.rs, for STACK_BUDGETS (or the array NAME names:
              STATIC_STACK_BUDGETS, the budgets of the static bounds)
  --check:    exit 1 if a bound is unbounded (unresolved indirect call or
              jump, recursion) or below the painted figure (the analysis
              would be wrong)
  --fail-over-budget: exit 1 if a bound is over its call's budget
"""

import bisect
import re
import struct
import subprocess
import sys

# The per-call budgets of `STACK_BUDGETS` in src/main.rs, read from there.
BUDGET_KEYS = ["new", "handle_frame", "poll_transmit", "poll_event", "inputs and handle_timeout"]

# Indirect calls (`blx rN`). In core::fmt's own functions (FMT_SCOPE), a
# target register loaded `ldr rX, [rY, #imm]` with imm >= 12 is a method
# of the `&mut dyn Write` the Formatter writes to (core's source: every
# such call is `self.buf.write_str` / `write_char` / `write_fmt`): its
# targets are that slot of the vtables the entry's code takes. Every other
# site may call any function whose address the entry's code takes (a
# literal, a vtable or a table of such in .rodata) and any function in
# STORED: pointers that the charge point keeps in its state from an
# earlier call, taken by the callers of the engine functions named there.
FMT_SCOPE = re.compile(
    r"^(core::fmt::|<core::fmt::|<&?(str|char|bool|[ui](8|16|32|64|size)) as core::fmt::)")
STORED = {
    # `add_configuration_key(.., validate: fn(&str) -> bool)`: the engine
    # keeps `validate` and calls it on ChangeConfiguration and configure.
    "add_configuration_key": "the firmware's validate functions for its own configuration keys",
}

# Recursion: core::fmt::write nests when a Display impl itself uses
# write!. The engine formats integers, bool, &str and `Value`, whose
# Display (ocpp-engine/src/tx/meter.rs) writes integers: at most two
# core::fmt::write on a path. Any other cycle makes the bound unbounded.
FMT_WRITE = "core::fmt::write"
FMT_DEPTH = 2

# The panic path: core::panicking::panic_fmt and every function that never
# returns and reaches it (panic_bounds_check, slice_index_fail, ...). The
# engine is built to reach none (fuzzed, `no panics on any input`): not in
# the bounds; the report says whether the panic path itself has one.
PANIC_ROOT = "core::panicking::panic_fmt"


def read_elf(path):
    """Sections of a 32-bit little-endian ELF: {name: (addr, offset, size, type)}, data."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        sys.exit(f"{path}: not a 32-bit little-endian ELF")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    heads = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = heads[shstrndx]
    sections = {}
    for h in heads:
        name_off, typ, _flags, addr, off, size = h[:6]
        end = data.index(b"\0", strtab[4] + name_off)
        name = data[strtab[4] + name_off:end].decode()
        sections[name] = (addr, off, size, typ)
    return sections, data


def stack_sizes(sections, data):
    """{function address (Thumb bit cleared): frame bytes} from `.stack_sizes`."""
    if ".stack_sizes" not in sections:
        sys.exit("no .stack_sizes section: build with RUSTFLAGS -Z emit-stack-sizes")
    _, off, size, _ = sections[".stack_sizes"]
    out, p, end = {}, off, off + size
    while p < end:
        addr, = struct.unpack_from("<I", data, p)
        p += 4
        val, shift = 0, 0
        while True:
            b = data[p]
            p += 1
            val |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        out[addr & ~1] = val
    return out


def function_sizes(sections, data):
    """{function address (Thumb bit cleared): size in bytes} from `.symtab`."""
    _, off, size, _ = sections[".symtab"]
    out = {}
    for p in range(off, off + size, 16):
        _name, value, fsize, info, _other, _shndx = struct.unpack_from("<IIIBBH", data, p)
        if info & 0xF == 2 and fsize:  # STT_FUNC
            out[value & ~1] = max(out.get(value & ~1, 0), fsize)
    return out


HEAD = re.compile(r"^([0-9a-f]+) <(.+)>:$")
LINE = re.compile(r"^\s*([0-9a-f]+):\s+(?:(?:[0-9a-f]{2} )+\s*)?\t([a-z.][\w.]*)\t?(.*)$")
TARGET = re.compile(r"^0x([0-9a-f]+)\b")
LITERAL = re.compile(r"\[pc, #[^\]]*\]\s*@ 0x([0-9a-f]+)")


class Function:
    def __init__(self, addr, name):
        self.addr, self.name, self.end = addr, name, None
        self.insns = []  # (addr, mnemonic, operands)
        self.frame = None  # bytes
        self.frame_from = ""  # "stack_sizes" or "disassembly"
        self.calls = {}  # callee address -> kind ("bl" or "tail")
        self.indirect = []  # addresses of `blx rN`
        self.unresolved = []  # (addr, why): jumps this tool cannot follow
        self.literals = set()  # the words it loads from its literal pool


def disassemble(objdump, elf, fsizes):
    out = subprocess.run(
        [objdump, "-d", "--no-show-raw-insn", "-C", elf],
        check=True, capture_output=True, text=True,
    ).stdout
    funcs, words, cur = [], {}, None
    for line in out.splitlines():
        m = HEAD.match(line)
        if m:
            cur = Function(int(m.group(1), 16), m.group(2))
            funcs.append(cur)
            continue
        m = LINE.match(line)
        if m and cur is not None:
            addr, mn, ops = int(m.group(1), 16), m.group(2), m.group(3).strip()
            if mn == ".word":
                words[addr] = int(ops, 16)
            cur.insns.append((addr, mn, ops))
    funcs.sort(key=lambda f: f.addr)
    # Several symbols at one address: keep the one with the code.
    by_addr = {}
    for f in funcs:
        if f.addr not in by_addr or len(f.insns) > len(by_addr[f.addr].insns):
            by_addr[f.addr] = f
    funcs = sorted(by_addr.values(), key=lambda f: f.addr)
    for a, b in zip(funcs, funcs + [None]):
        # The symbol's size, where it has one: what follows is lld's padding
        # between functions (0xd4d4, which reads as `bmi`), not code.
        a.end = a.addr + fsizes[a.addr] if a.addr in fsizes else (b.addr if b else a.addr + 4)
        a.insns = [i for i in a.insns if i[0] < a.end]
    return funcs, words


REG_LIST = re.compile(r"\{([^}]*)\}")


def reg_count(ops):
    n = 0
    for part in REG_LIST.search(ops).group(1).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            n += int(hi[1:]) - int(lo[1:]) + 1
        else:
            n += 1
    return n


def imm(ops):
    return int(ops.split("#")[-1], 0)


def disassembly_frame(f, words, odd):
    """The deepest the function's own pushes and `sub sp` take it, read
    linearly; records the words it loads from its literal pool, and in
    `odd` the writes of sp it cannot read."""
    cur = deepest = 0
    regs = {}  # register -> literal loaded from the pool
    # A literal whose every load is first used by `strh`/`strb` as the
    # value stored is a constant (two bytes, one halfword), never a
    # function pointer, though it may equal one's Thumb address by chance
    # (`0xff01` stored as two u8 fields once matched a function at
    # 0xff00, in one build path and not another).
    pending, loads, narrow = {}, {}, {}
    for _addr, mn, ops in f.insns:
        for r in [r for r in pending if re.search(rf"\b{r}\b", ops)]:
            v = pending.pop(r)
            if mn in ("strh", "strb") and ops.split(",")[0].strip() == r:
                narrow[v] = narrow.get(v, 0) + 1
        if mn == "push":
            cur += 4 * reg_count(ops)
        elif mn == "pop":
            cur -= 4 * reg_count(ops)
        elif mn == "sub" and re.match(r"^sp, (sp, )?#", ops):
            cur += imm(ops)
        elif mn == "add" and re.match(r"^sp, (sp, )?#", ops):
            cur -= imm(ops)
        elif mn == "add" and re.match(r"^sp, r\d+$", ops) and ops.split(", ")[1] in regs:
            cur -= struct.unpack("<i", struct.pack("<I", regs[ops.split(", ")[1]]))[0]
        elif ops.startswith("sp,") and mn != "mov":
            # `mov sp, rN` restores the frame (an epilogue); anything else
            # moves sp by an amount this reading cannot know.
            odd.append(f"{mn} {ops}")
        elif mn == "ldr":
            m = LITERAL.search(ops)
            if m and int(m.group(1), 16) in words:
                value = words[int(m.group(1), 16)]
                regs[ops.split(",")[0]] = value
                pending[ops.split(",")[0]] = value
                loads[value] = loads.get(value, 0) + 1
        deepest = max(deepest, cur)
    f.literals |= {v for v, n in loads.items() if narrow.get(v, 0) < n}
    return deepest


def build_graph(funcs, words, sizes):
    starts = {f.addr: f for f in funcs}
    addrs = [f.addr for f in funcs]

    def containing(a):
        i = bisect.bisect_right(addrs, a) - 1
        return funcs[i] if i >= 0 else None

    mismatches = []
    for f in funcs:
        odd = []
        dis = disassembly_frame(f, words, odd)
        if f.addr in sizes:
            f.frame, f.frame_from = sizes[f.addr], "stack_sizes"
            if dis != f.frame:
                mismatches.append((f, f.frame, dis))
        else:
            f.frame, f.frame_from = dis, "disassembly"
            for o in odd:
                f.unresolved.append((f.addr, f"frame not readable: {o}"))
        for i, (a, mn, ops) in enumerate(f.insns):
            if mn == "bl" or (mn == "b" or re.fullmatch(r"b(eq|ne|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|cs|cc)", mn)):
                m = TARGET.match(ops)
                if not m:
                    f.unresolved.append((a, f"{mn} {ops}"))
                    continue
                t = int(m.group(1), 16)
                if f.addr <= t < f.end:
                    continue  # a branch, or Thumb-1's far branch (`bl` in the function)
                callee = starts.get(t)
                if callee is None:
                    g = containing(t)
                    f.unresolved.append((a, f"{mn} into the middle of {g.name if g else hex(t)}"))
                    continue
                f.calls.setdefault(t, "bl" if mn == "bl" else "tail")
            elif mn == "blx":
                f.indirect.append(a)
            elif mn == "bx" and ops != "lr":
                f.unresolved.append((a, f"bx {ops}: an indirect jump"))
            elif mn == "mov" and ops.startswith("pc,") and ops != "pc, lr":
                # A jump table: `adr rT, #imm` a few instructions before
                # gives its start; its entries are the Thumb addresses in
                # this function that follow (a literal pool may come after).
                table = []
                for a2, mn2, ops2 in reversed(f.insns[max(0, i - 6):i]):
                    if mn2 == "adr":
                        start = ((a2 + 4) & ~3) + imm(ops2.split(" <")[0])
                        for a3, mn3, ops3 in f.insns[i + 1:]:
                            if a3 < start:
                                continue
                            word = int(ops3, 16) if mn3 == ".word" else 0
                            if not (word & 1 and f.addr <= word & ~1 < f.end):
                                break
                            table.append(word & ~1)
                        break
                if not table:
                    f.unresolved.append((a, f"mov {ops}: not a jump table inside the function"))
    return mismatches


def data_words(sections, data):
    """{address: word} over `.rodata` and `.data` (its initial image)."""
    out = {}
    for name in (".rodata", ".data"):
        if name in sections:
            addr, off, size, _ = sections[name]
            for k in range(0, size - 3, 4):
                out[addr + k], = struct.unpack_from("<I", data, off + k)
    return out


def is_fn(w, starts):
    return w & 1 and (w & ~1) in starts


def taken(f, starts, dwords):
    """The function pointers `f` loads: (plain, vtable) where plain is the
    set of functions whose Thumb address is a word of its literal pool or
    of a table of such addresses at a `.rodata` address it loads, and
    vtable maps a slot number to the functions in that slot of a vtable
    (drop or 0, size, align, then methods) at an address it loads. Not
    followed further: rustc puts a `dyn` vtable's address, a closure's or
    a formatter's function address in the literal pool of the function
    that makes the trait object or the `fmt::Arguments` (the assumption
    the README states)."""
    plain, vt = set(), {}
    for w in f.literals:
        if is_fn(w, starts):
            plain.add(w & ~1)
            continue
        base = w & ~3
        if base != w or base not in dwords:
            continue
        head = [dwords.get(base + 4 * k) for k in range(3)]
        if (None not in head and (head[0] == 0 or is_fn(head[0], starts))
                and head[1] < 0x10000 and head[2] in (1, 2, 4, 8, 16)):
            if head[0]:
                plain.add(head[0] & ~1)  # drop_in_place, called directly too
            k = 3
            while is_fn(dwords.get(base + 4 * k, 0), starts):
                vt.setdefault(k, set()).add(dwords[base + 4 * k] & ~1)
                k += 1
        else:
            k = 0
            while is_fn(dwords.get(base + 4 * k, 0), starts):
                plain.add(dwords[base + 4 * k] & ~1)
                k += 1
    return plain, vt


def site_slot(f, site):
    """The vtable slot an indirect call at `site` calls through, when its
    register was loaded `ldr rX, [rY, #imm]` (rY not sp, imm >= 12) in the
    instructions just before it; None otherwise."""
    i = next(k for k, x in enumerate(f.insns) if x[0] == site)
    reg = f.insns[i][2]
    for _a, mn, ops in reversed(f.insns[max(0, i - 8):i]):
        if ops.startswith(reg + ","):
            m = re.fullmatch(r"r\d+, \[(r\d+), #(0x[0-9a-f]+|\d+)\]", ops)
            if mn == "ldr" and m and int(m.group(2), 0) >= 12:
                return int(m.group(2), 0) // 4
            return None
    return None


def panic_cut(funcs, by_addr):
    """panic_fmt and every function that never returns and calls into it."""
    def returns(f):
        # A return (`bx`, `pop {.., pc}`, `mov pc, lr`) or a tail call.
        return any(t == "tail" for t in f.calls.values()) or any(
            mn == "bx" or (mn == "pop" and "pc" in ops) or (mn == "mov" and ops == "pc, lr")
            for _a, mn, ops in f.insns)

    cut = {f.addr for f in funcs if f.name == PANIC_ROOT}
    grew = True
    while grew:
        grew = False
        for f in funcs:
            if f.addr not in cut and not returns(f) and cut & set(f.calls):
                cut.add(f.addr)
                grew = True
    return cut


class Cycle(Exception):
    pass


class Analysis:
    """One entry: what it reaches, its indirect targets, its bound."""

    def __init__(self, entry, by_addr, dwords, cut, stored):
        self.entry, self.by, self.stored = entry, by_addr, stored
        plain, vt = set(), {}
        while True:
            self.edges, self.sites, self.args = {}, {}, {}
            stack, reach = [entry.addr], set()
            while stack:
                a = stack.pop()
                if a in reach:
                    continue
                reach.add(a)
                f = by_addr[a]
                es = set()
                args = set()
                if a not in cut:
                    es |= set(f.calls)
                    for site in f.indirect:
                        t = self.targets(f, site, plain, vt)
                        self.sites[site] = (f, t)
                        if f.name == FMT_WRITE and site_slot(f, site) is None:
                            args |= t
                        else:
                            es |= t
                self.edges[a] = sorted(es)
                self.args[a] = args
                es |= args
                stack.extend(es)
            grew = False
            for a in reach - cut:
                p, v = taken(by_addr[a], by_addr, dwords)
                if not p <= plain:
                    plain |= p
                    grew = True
                for k, fs in v.items():
                    if not fs <= vt.get(k, set()):
                        vt.setdefault(k, set()).update(fs)
                        grew = True
            if not grew:
                break
        self.reach, self.plain, self.vt, self.cut = reach, plain, vt, cut
        self.own = {a: frozenset(taken(by_addr[a], by_addr, dwords)[0]) for a in reach - cut}
        self.vt_all = set().union(*vt.values()) if vt else set()

    def targets(self, f, site, plain, vt):
        if FMT_SCOPE.match(f.name):
            slot = site_slot(f, site)
            if slot is not None:
                return set(vt.get(slot, set()))
        every = set(plain) | self.stored
        for fs in vt.values():
            every |= fs
        return every

    def bound(self):
        """(bytes, path) of the deepest chain from the entry, at most
        FMT_DEPTH core::fmt::write on it; raises Cycle on other recursion.

        core::fmt::write calls the formatters of a `fmt::Arguments`, which
        the caller of write!/format_args! built on its own stack: a
        function on the current path. So at its non-vtable sites it may
        call the vtable methods the entry takes, and of the plain pointers
        only those that a function on the path takes."""
        memo, onpath, self.pruned = {}, set(), set()
        fmt = {a for a in self.reach if self.by[a].name == FMT_WRITE}

        def go(v, n, ctx):
            ctx = ctx | self.own.get(v, frozenset())
            key = (v, n, ctx)
            if key in memo:
                return memo[key]
            if key in onpath:
                raise Cycle(v)
            onpath.add(key)
            best, via = 0, None
            nexts = list(self.edges[v])
            if self.args[v]:
                nexts += sorted(self.args[v] & (ctx | self.vt_all))
            for w in nexts:
                m = n + (w in fmt)
                if m > FMT_DEPTH:
                    self.pruned.add(v)
                    continue
                d = go(w, m, ctx)[0]
                if d > best:
                    best, via = d, (w, m, ctx | self.own.get(w, frozenset()))
            onpath.discard(key)
            memo[key] = (self.by[v].frame + best, via)
            return memo[key]

        e = self.entry.addr
        total = go(e, int(e in fmt), frozenset())[0]
        path, k = [], (e, int(e in fmt), frozenset(self.own.get(e, frozenset())))
        while k is not None:
            path.append(k[0])
            k = memo[k][1]
        return total, path


def short(name):
    """A demangled name with its generic arguments elided: `Queue<..>::push`."""
    out, depth = [], 0
    for i, c in enumerate(name):
        if c == "<" and (depth or (i and (name[i - 1].isalnum() or name[i - 1] in "_"))):
            if depth == 0:
                out.append("<..>")
            depth += 1
        elif c == ">" and depth:
            depth -= 1
        elif not depth:
            out.append(c)
    return "".join(out)


# The engine calls the firmware measures, by the probe that measures them:
# (call, budget name, name of the out-of-line function that the probe wraps).
ENTRIES = [
    ("ChargePoint::new", "new", re.compile(r"^ocpp_qemu_m0::session::call::new$")),
    ("handle_frame ({})", "handle_frame", re.compile(r"out_of_line::.*NoStorage, 160>>::(exchange)::\{closure#1\}>$|out_of_line::.*NoStorage, 160>>::(receive)::\{closure#0\}>$")),
    ("poll_transmit", "poll_transmit", re.compile(r"out_of_line::.*NoStorage, 160>>::exchange::\{closure#0\}>$")),
    ("poll_event", "poll_event", re.compile(r"out_of_line::.*NoStorage, 160>>::exchange::\{closure#2\}>$")),
    ("handle_timeout", "inputs and handle_timeout", re.compile(r"out_of_line::.*NoStorage, 160>>::wake::\{closure#0\}>$")),
    ("inputs ({})", "inputs and handle_timeout", re.compile(r"out_of_line::.*NoStorage, 160>>::input<\(\), <ocpp_qemu_m0::session::Harness>::(\w+)::\{closure#0\}>::\{closure#0\}>$")),
]

MEASURED = re.compile(
    r"stack per engine call, beyond the caller's frame: new (\d+) B, handle_frame (\d+) B, "
    r"poll_transmit (\d+) B, poll_event (\d+) B, inputs and handle_timeout (\d+) B")


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    elf, objdump = args[0], args[1]
    check = "--check" in args
    measured = {}
    if "--measured" in args:
        m = MEASURED.search(read_text(args[args.index("--measured") + 1]))
        if not m:
            sys.exit("the run's output has no 'stack per engine call' line")
        measured = dict(zip(BUDGET_KEYS, map(int, m.groups())))
    budgets = {}
    if "--budgets" in args:
        src = read_text(args[args.index("--budgets") + 1])
        name = "STACK_BUDGETS"
        if "--budgets-name" in args:
            name = args[args.index("--budgets-name") + 1]
        block = src[src.index(f"const {name}:"):]
        block = block[:block.index("];")]
        budgets = {k: int(v) for k, v in re.findall(r'\("([^"]+)",\s*(\d+)\)', block)}

    sections, data = read_elf(elf)
    sizes = stack_sizes(sections, data)
    funcs, words = disassemble(objdump, elf, function_sizes(sections, data))
    mismatches = build_graph(funcs, words, sizes)
    by_addr = {f.addr: f for f in funcs}
    dwords = data_words(sections, data)
    cut = panic_cut(funcs, by_addr)
    stored = set()
    for f in funcs:
        if any(k in by_addr[c].name for c in f.calls for k in STORED):
            stored |= taken(f, by_addr, dwords)[0]

    print(f"{len(funcs)} functions; frames: {len(sizes)} from .stack_sizes, "
          f"{len(funcs) - sum(f.frame_from == 'stack_sizes' for f in funcs)} from the disassembly "
          f"(compiler_builtins, assembly); {len(mismatches)} where the two disagree")
    for f, s_, d in mismatches:
        print(f"  frame mismatch: {short(f.name)}: .stack_sizes {s_} B, disassembly {d} B")
    print(f"panic path cut at {len(cut)} functions (panic_fmt and the non-returning ones that call it); "
          f"stored function pointers: {len(stored)} ({'; '.join(STORED.values())})")

    ok, within, rows, notes = True, True, {}, set()
    for label, key, pattern in ENTRIES:
        for f in funcs:
            m = pattern.search(f.name)
            if not m:
                continue
            name = label.format([g for g in m.groups() if g][-1]) if "{}" in label else label
            a = Analysis(f, by_addr, dwords, cut, stored)
            # A core::fmt site with no vtable method is unresolved; any
            # other site with no target has none in this firmware (no
            # function pointer it could be handed exists here).
            unresolved = [(g, site) for site, (g, t) in a.sites.items()
                          if not t and FMT_SCOPE.match(g.name)]
            dead = [(g, site) for site, (g, t) in a.sites.items()
                    if not t and not FMT_SCOPE.match(g.name)]
            jumps = [(g, u) for g in (by_addr[x] for x in a.reach) for u in g.unresolved]
            try:
                total, path = a.bound()
            except Cycle as c:
                total, path = None, [c.args[0]]
            if unresolved or jumps:
                total = None
            rows.setdefault(key, []).append((name, total, path, a, unresolved, jumps))
            for v in getattr(a, "pruned", ()):
                notes.add(f"fmt nesting followed {FMT_DEPTH} deep: a deeper core::fmt::write from "
                          f"{short(by_addr[v].name)} left out")
            for g, site in dead:
                notes.add(f"indirect call at {site:#x} in {short(g.name)}: no target in this firmware "
                          f"(only pointers from {', '.join(STORED)} reach it, and nothing here calls that)")

    matched = {r[3].entry.addr for rs in rows.values() for r in rs}
    for f in funcs:
        if "watch::out_of_line" in f.name and "NoStorage" in f.name and f.addr not in matched:
            print(f"NOT ANALYSED: {short(f.name)}: a probed engine call no entry pattern names")
            ok = False
    for n in sorted(notes):
        print(n)
    root = next(f for f in funcs if f.name == PANIC_ROOT)
    try:
        total, _ = Analysis(root, by_addr, dwords, set(), stored).bound()
        print(f"the panic path itself (panic_fmt, this firmware's handler printing over semihosting): {total} B, "
              f"on top of where it is called; not in the bounds below")
    except Cycle:
        print("the panic path itself (panic_fmt and this firmware's handler): unbounded (recursion); not in the bounds below")
    print()
    for key in BUDGET_KEYS:
        entries = rows.get(key, [])
        if not entries:
            print(f"{key}: NO ENTRY FOUND (the firmware's probes changed?)")
            ok = False
            continue
        worst = max(entries, key=lambda r: float("inf") if r[1] is None else r[1])
        meas, budget = measured.get(key), budgets.get(key)
        for name, total, path, a, unresolved, jumps in sorted(entries, key=lambda r: r[0]):
            shown = "UNBOUNDED" if total is None else f"{total} B"
            sites = len(a.sites)
            print(f"{name}: static bound {shown} ({len(a.reach)} functions, {sites} indirect call sites)")
        name, total, path, a, unresolved, jumps = worst
        verdict = []
        if total is None:
            verdict.append("UNBOUNDED")
            for g, site in unresolved:
                verdict.append(f"unresolved indirect call at {site:#x} in {short(g.name)}")
            for g, (at, why) in jumps:
                verdict.append(f"unresolved jump at {at:#x} in {short(g.name)}: {why}")
            if not unresolved and not jumps:
                verdict.append(f"recursion through {short(by_addr[path[0]].name)}")
            ok = False
        else:
            if meas is not None and total < meas:
                verdict.append(f"BELOW the painted {meas} B: the analysis is wrong")
                ok = False
            if budget is not None and total > budget:
                verdict.append(f"OVER the budget of {budget} B")
                within = False
        print(f"== {key}: static bound {'UNBOUNDED' if total is None else f'{total} B'}"
              f" (in {name}); painted {meas if meas is not None else '?'} B; "
              f"budget {budget if budget is not None else '?'} B"
              + (": " + "; ".join(verdict) if verdict else ": within"))
        if total is not None:
            print("   deepest path: " + " > ".join(
                f"{short(by_addr[v].name)} ({by_addr[v].frame})" for v in path))
        print()
    if check and not ok:
        sys.exit("static-stack: FAILED: a bound is unbounded or below the painted figure")
    if "--fail-over-budget" in args and not within:
        sys.exit("static-stack: FAILED: a static bound is over its call's budget")


if __name__ == "__main__":
    sys.setrecursionlimit(100000)
    main()
