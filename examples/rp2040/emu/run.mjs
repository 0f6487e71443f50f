#!/usr/bin/env node
// Runs the RP2040 firmware (examples/rp2040, built with --features emulator)
// on rp2040js and checks its OCPP session over UART0. Exits non-zero on any
// deviation, a HardFault, a panic or a timeout.
//
//   node run.mjs [--session full|small-pool] [--verbose] [--stack] ELF
//     (--stack: where the stack goes, from a shadow call stack: slower)
//   node run.mjs --bridge HOST:PORT [--verbose] ELF   (end to end, see lib/bridge.mjs)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Board, CLOCK_HZ } from './lib/board.mjs';
import { bridgeSession } from './lib/bridge.mjs';
import { StackProfile } from './lib/stack.mjs';
import { Csms } from './lib/csms.mjs';
import { Schemas, selfCheck } from './lib/schema.mjs';
import { fullSession } from './lib/session.mjs';
import { smallPoolSession } from './lib/small-pool.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMAS = join(here, '..', '..', '..', 'schemas', 'ocpp16');

function usage(msg) {
  console.error(`rp2040-emu: ${msg}\nusage: node run.mjs [--session full|small-pool] [--verbose] ELF`);
  process.exit(2);
}

const args = process.argv.slice(2);
let session = 'full';
let verbose = false;
let elf = null;
let bridge = null;
let stack = false;
while (args.length) {
  const a = args.shift();
  if (a === '--session') session = args.shift();
  else if (a === '--verbose') verbose = true;
  else if (a === '--bridge') bridge = args.shift();
  else if (a === '--stack') stack = true;
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else elf = a;
}
if (!elf) usage('no ELF given');
const sessions = { full: fullSession, 'small-pool': smallPoolSession };
if (!sessions[session]) usage(`unknown session ${session}`);

if (bridge) {
  try {
    const r = await bridgeSession(elf, bridge, { verbose });
    console.log(
      `rp2040-emu: end to end through the bridge: ${r.frames} frames from the firmware, ${r.heard} from the central system, ` +
        `${r.reboots} reboot(s) on Reset, ${r.seconds.toFixed(1)} s`,
    );
    process.exit(0);
  } catch (e) {
    console.error(`rp2040-emu: FAILED end to end: ${e.message}`);
    process.exit(1);
  }
}

const started = Date.now();
const board = new Board(elf);
if (stack) board.stack = new StackProfile(board);
const schemas = new Schemas(SCHEMAS);
selfCheck(schemas);
const cs = new Csms(board, schemas, { verbose });
let current = 'boot';
cs.step = (name) => {
  current = name;
  if (verbose) console.log(`step: ${name}`);
};
try {
  board.run(2_000_000); // clocks, stack painting, the charge point built
  const first = cs.nextLine(100);
  if (first !== '#booted') throw new Error(`expected #booted first, got ${first}`);
  const stats = sessions[session](cs);
  report(stats);
  if (stack) console.log(board.stack.report());
} catch (e) {
  console.error(`rp2040-emu: FAILED in step "${current}": ${e.message}`);
  if (!verbose) console.error('(run with --verbose for every line)');
  process.exit(1);
}

function report(stats) {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const cycles = board.cycles();
  console.log(
    `rp2040-emu: ${session} session passed: ${cs.frames.received} frames from the firmware, ${cs.frames.sent} to it, ` +
      `${(cycles / 1e6).toFixed(1)} M cycles, ${(board.millis / 1000).toFixed(1)} s emulated, ${secs} s here`,
  );
  console.log(
    `rp2040-emu: #stats pool_in_use=${stats.pool_in_use} B pool_peak=${stats.pool_peak} B of ${stats.pool_capacity} B, ` +
      `refusals=${stats.refusals}, stack_high_water=${stats.stack_high_water} B, static_ram=${stats.static_ram} B`,
  );
  const p = board.profile;
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const inCycles = sum(p.received);
  const outCycles = sum(p.sent.map((s) => s.cycles));
  const outFrames = sum(p.sent.map((s) => s.frames));
  const idle = [...p.idleService].sort((a, b) => a - b)[Math.floor(p.idleService.length / 2)] ?? 0;
  const us = (c) => ((c / CLOCK_HZ) * 1e6).toFixed(1);
  const perMessage = (inCycles + outCycles) / (p.received.length + outFrames);
  console.log(
    `rp2040-emu: cycles per message (Cortex-M0+): ${Math.round(perMessage)} = ${us(perMessage)} us at 125 MHz ` +
      `(${p.received.length} frames received: ${Math.round(inCycles / p.received.length)} cycles each in handle_line; ` +
      `${outFrames} frames sent: ${Math.round(outCycles / outFrames)} cycles each in Tx::service, encoding and UART writes; ` +
      `an idle Tx::service ${idle} cycles)`,
  );
}
