// The RP2040 firmware on rp2040js: flash image from the ELF, the boot
// without a boot ROM, UART0 as lines, and what the firmware costs in cycles.
import { ConsoleLogger, LogLevel, RP2040 } from 'rp2040js';
import { readElf } from './elf.mjs';

export const CLOCK_HZ = 125_000_000;
const NANOS_PER_CYCLE = 1e9 / CLOCK_HZ;
const FLASH_START = 0x10000000;
/** Where the boot ROM would leave the stack pointer when it enters boot2. */
const BOOT_SP = 0x20041f00;
const UART_RSR = 0x4;
/** Cortex-M0+ AIRCR: VECTKEY and SYSRESETREQ, what `SCB::sys_reset()` writes. */
const AIRCR = 0xd0c;
const VECTKEY = 0x05fa;
const SYSRESETREQ = 1 << 2;
const HARDFAULT = 3;

export class Board {
  constructor(elfPath) {
    const elf = readElf(elfPath);
    this.symbols = elf.symbols;
    const mcu = new RP2040();
    mcu.logger = new ConsoleLogger(LogLevel.Error);
    for (const { paddr, data } of elf.segments) {
      if (paddr < FLASH_START) continue; // RAM-only segments (.bss) hold nothing to load
      mcu.flash.set(data, paddr - FLASH_START);
    }
    // rp2040js ships no boot ROM (it stays zeroed): start where the ROM
    // would hand over to boot2 with LR = 0, which makes boot2 enter the
    // firmware's vector table itself.
    mcu.core.SP = BOOT_SP;
    mcu.core.LR = 0;
    mcu.core.PC = FLASH_START;
    // The plug switch (GP15) and the button (GP14) are pulled up on the
    // board (low = plugged / pressed); rp2040js does not model pulls.
    mcu.gpio[15].setInputValue(true);
    mcu.gpio[14].setInputValue(true);
    this.mcu = mcu;
    this.cycles = () => mcu.core.cycles;

    this.rxSeen = []; // bytes fed, for a runner that follows them (the bridge's)
    this.rx = []; // bytes waiting for room in UART0's receive FIFO (32 bytes)
    this.out = []; // complete lines the firmware sent
    this.partial = [];
    this.resetRequested = false;
    this.fault = null;

    const uart = mcu.uart[0];
    const read = uart.readUint32.bind(uart);
    const write = uart.writeUint32.bind(uart);
    // rp2040js has no receive status register: rp2040-hal would read an
    // error there on every byte and drop every line. No errors, then.
    uart.readUint32 = (offset) => (offset === UART_RSR ? 0 : read(offset));
    uart.writeUint32 = (offset, value) => {
      if (offset !== UART_RSR) write(offset, value);
    };
    uart.onByte = (byte) => {
      this.sentBytes++;
      if (byte === 0x0a) {
        const line = Buffer.from(this.partial).toString('latin1');
        this.out.push(line);
        this.partial = [];
        if (line.startsWith('[')) this.sentFrames++;
      } else {
        this.partial.push(byte);
      }
    };
    this.sentBytes = 0;
    this.sentFrames = 0; // OCPP-J frames (not control lines)

    const ppbWrite = mcu.ppb.writeUint32.bind(mcu.ppb);
    mcu.ppb.writeUint32 = (offset, value) => {
      if (offset === AIRCR && value >>> 16 === VECTKEY && value & SYSRESETREQ) this.resetRequested = true;
      ppbWrite(offset, value);
    };

    this.panic = this.symbol('rust_begin_unwind');
    this.profile = new Profile(this);
    this.stack = null; // a StackProfile, when asked for
  }

  /** The function whose (mangled) name holds every one of `parts`. */
  symbol(...parts) {
    for (const [name, s] of this.symbols) {
      if (s.size > 0 && parts.every((p) => name.includes(p))) return s;
    }
    throw new Error(`no symbol with ${parts.join(', ')} in the ELF (built without symbols?)`);
  }

  /** Queues a line for UART0's receive side. */
  send(line) {
    this.profile.lineKinds.push(line.startsWith('['));
    for (const b of Buffer.from(`${line}\n`, 'latin1')) this.rx.push(b);
  }

  /** Emulated time, in ms (the firmware's clock: the RP2040 timer). */
  get millis() {
    return this.mcu.clock.nanos / 1e6;
  }

  /** Lets `ms` of time pass without executing (the firmware only polls). */
  advance(ms) {
    this.mcu.clock.tick(ms * 1e6);
  }

  /** Executes up to `n` instructions; throws on a HardFault or a panic. */
  run(n) {
    const { mcu } = this;
    const { core, clock } = mcu;
    const uart = mcu.uart[0];
    const profile = this.profile;
    for (let i = 0; i < n; i++) {
      if (this.rx.length && !uart.rxFIFO.full) {
        const byte = this.rx.shift();
        uart.feedByte(byte);
        if (this.rxSeen.length < 1 << 20) this.rxSeen.push(byte);
      }
      const cycles = core.executeInstruction();
      clock.tick(cycles * NANOS_PER_CYCLE);
      if (profile.open !== null && core.PC === profile.open.ret) profile.leave();
      if (this.stack !== null) this.stack.sp(core.SP);
      if (core.IPSR === HARDFAULT) {
        throw new Error(`HardFault (PC ${hex(core.PC)}, LR ${hex(core.LR)}, SP ${hex(core.SP)})`);
      }
      const pc = core.PC;
      if (pc >= this.panic.addr && pc < this.panic.addr + this.panic.size) {
        throw new Error(`panic (the firmware entered ${hex(this.panic.addr)}, rust_begin_unwind)`);
      }
    }
  }
}

/**
 * Cycles inside two functions of the firmware: `handle_line` (a received
 * line, so a received frame's decoding and handling) and `Tx::service`
 * (encoding the frames the engine sends and writing them to the UART), by
 * watching the branch-with-link into them and the return.
 */
class Profile {
  constructor(board) {
    this.board = board;
    this.handleLine = board.symbol('ocpp_rp2040', '11handle_line');
    this.service = board.symbol('ocpp_rp2040', '4link', '7service');
    this.open = null;
    this.lineKinds = []; // for each line sent: whether it is a frame (not a control line)
    this.received = []; // cycles of each handle_line of a frame
    this.sent = []; // { cycles, frames } of each Tx::service that sent frames
    this.idleService = []; // cycles of Tx::service calls that sent nothing
    const core = board.mcu.core;
    core.blTaken = () => {
      if (board.stack !== null) board.stack.call(core.PC & ~1, core.SP);
      if (this.open !== null) return;
      const target = core.PC & ~1;
      if (target === this.handleLine.addr || target === this.service.addr) {
        this.open = {
          fn: target,
          ret: core.LR & ~1,
          start: core.cycles,
          frames: board.sentFrames,
        };
      }
    };
  }

  leave() {
    const { open, board } = this;
    this.open = null;
    const cycles = board.mcu.core.cycles - open.start;
    if (open.fn === this.handleLine.addr) {
      if (this.lineKinds.shift()) this.received.push(cycles);
      return;
    }
    const frames = board.sentFrames - open.frames;
    if (frames > 0) this.sent.push({ cycles, frames });
    else if (this.idleService.length < 10000) this.idleService.push(cycles);
  }
}

export function hex(n) {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
