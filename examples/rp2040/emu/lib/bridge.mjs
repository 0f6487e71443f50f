// End to end: the emulated UART0 on a TCP connection to examples/bridge,
// which puts its frames on a central system's WebSocket. The runner plays
// the hardware around the firmware (plug, card reader, meter) as the host
// demo does, following the frames that pass: a local transaction stopped
// by the same idTag, then one the central system starts and stops. The
// central system judges the frames; here the run fails on a fault, a
// panic or a timeout. The emulated clock follows the wall clock.
import { connect } from 'node:net';
import { setImmediate as yieldToNode } from 'node:timers/promises';
import { Board } from './board.mjs';

const ID_TAG = 'ABCD1234';
/** Instructions per turn of the event loop (about 15 ms here). */
const CHUNK = 200_000;

export async function bridgeSession(elf, hostPort, { verbose = false, timeoutMs = 60_000 } = {}) {
  const [host, port] = hostPort.split(':');
  const socket = connect({ host, port: Number(port) });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let board = new Board(elf);
  let closed = false;
  let tcpLine = [];
  socket.on('data', (data) => {
    // Whole lines only, so that the bench's lines never split one.
    for (const b of data) {
      tcpLine.push(b);
      if (b === 0x0a) {
        board.rx.push(...tcpLine);
        tcpLine = [];
      }
    }
  });
  socket.on('close', () => {
    closed = true;
  });

  const started = Date.now();
  let wallBase = 0; // ms of emulated time at `started`
  const log = (t) => verbose && console.log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${t}`);
  const seen = []; // frames the firmware sent, parsed
  const heard = []; // frames it received, parsed
  let rxLine = [];
  let energy = 1000;
  let lastMeter = 0;
  let reboots = 0;

  let since = 0; // frames of the firmware before the current step
  const calls = (action, pred = () => true) =>
    seen.slice(since).filter((f) => f[0] === 2 && f[2] === action && pred(f[3])).length;
  const status = (wanted) => () => calls('StatusNotification', (p) => p.connectorId === 1 && p.status === wanted) > 0;
  const answeredCall = (action) => () => {
    const ids = heard.filter((f) => f[0] === 2 && f[2] === action).map((f) => f[1]);
    return seen.some((f) => f[0] !== 2 && ids.includes(f[1]));
  };

  // The bench: each step waits for what the firmware (and the central
  // system through it) did since the step before, then acts.
  const steps = [
    ['the central system done with its CALLs (UnlockConnector answered)', answeredCall('UnlockConnector'), ['#plug']],
    ['Preparing', status('Preparing'), [`#idtag ${ID_TAG}`]],
    ['two MeterValues of the local transaction', () => calls('MeterValues') >= 2, [`#idtag ${ID_TAG}`]],
    ['StopTransaction (Local)', () => calls('StopTransaction', (p) => p.reason === 'Local') > 0, []],
    ['Finishing', status('Finishing'), ['#unplug']],
    ['Available', status('Available'), ['#plug']],
    ['StopTransaction (Remote), after the remote start', () => calls('StopTransaction', (p) => p.reason === 'Remote') > 0, []],
    ['Finishing', status('Finishing'), ['#unplug']],
    ['Available', status('Available'), []],
    // The triggered one and one of the 10 s interval, as the central system checks.
    ['a periodic Heartbeat', () => seen.filter((f) => f[0] === 2 && f[2] === 'Heartbeat').length >= 2, []],
  ];
  let step = 0;
  const bench = (line) => {
    log(`bench > ${line}`);
    board.send(line);
  };

  const boot = () => {
    board.send(`#meter Energy.Active.Import.Register ${energy}`);
    board.send('#meter Power.Active.Import 11000');
    board.profile.lineKinds.length = 0;
  };
  boot();
  while (step < steps.length) {
    if (closed) throw new Error(`the bridge closed the connection (waiting for: ${steps[step][0]})`);
    if (Date.now() - started > timeoutMs) throw new Error(`timeout (waiting for: ${steps[step][0]})`);
    board.run(CHUNK);
    // Emulated time keeps up with the wall clock (the emulator is slower).
    const behind = wallBase + (Date.now() - started) - board.millis;
    if (behind > 0) board.advance(behind);
    // Lines the bridge sent: the central system's frames.
    while (board.out.length) {
      const line = board.out.shift();
      socket.write(`${line}\n`);
      if (line.startsWith('[')) {
        seen.push(JSON.parse(line));
        log(`cp > ${line}`);
      } else {
        log(`cp > ${line}`);
      }
    }
    // What came from the bridge, as lines, for the bench to follow.
    for (const b of board.rxSeen.splice(0)) {
      if (b !== 0x0a) rxLine.push(b);
      else {
        const line = Buffer.from(rxLine).toString('latin1');
        rxLine = [];
        log(`bridge > ${line}`);
        if (line.startsWith('[')) heard.push(JSON.parse(line));
      }
    }
    if (board.resetRequested) {
      // SCB::sys_reset(): the chip starts again, from flash.
      reboots++;
      log('the firmware reset the chip: rebooting the emulated RP2040');
      const pending = board.rx;
      wallBase = board.millis - (Date.now() - started);
      const now = board.millis;
      board = new Board(elf);
      board.advance(now);
      board.rx = pending;
      boot();
      continue;
    }
    if (board.millis - lastMeter >= 1000) {
      lastMeter = board.millis;
      energy += 3;
      board.send(`#meter Energy.Active.Import.Register ${energy}`);
    }
    if (steps[step][1]()) {
      log(`bench: ${steps[step][0]}`);
      for (const line of steps[step][2]) bench(line);
      since = seen.length;
      step++;
    }
    await yieldToNode();
  }
  // Let the last answers go out, then leave: the bridge closes the WebSocket.
  const until = Date.now() + 500;
  while (Date.now() < until) {
    board.run(CHUNK);
    while (board.out.length) socket.write(`${board.out.shift()}\n`);
    await yieldToNode();
  }
  socket.end();
  return { frames: seen.length, heard: heard.length, reboots, seconds: (Date.now() - started) / 1000 };
}
