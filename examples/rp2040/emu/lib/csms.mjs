// A scripted central system on the other end of the emulated UART0: it
// sends lines, reads every line the firmware sends back, checks each frame
// (JSON, OCPP-J shape, the official schema, what the step expects) and
// answers the firmware's CALLs.

/** Instructions executed between two looks at the UART (about 0.25 ms at 125 MHz). */
const CHUNK = 20_000;

export class Deviation extends Error {}

export class Csms {
  constructor(board, schemas, { verbose = false } = {}) {
    this.board = board;
    this.schemas = schemas;
    this.verbose = verbose;
    this.nextId = 1;
    this.frames = { received: 0, sent: 0 }; // from our side: frames the firmware sent us, and we sent it
    this.stats = null;
    this.wallClock = Date.parse('2026-11-30T10:00:00Z');
  }

  log(text) {
    if (this.verbose) console.log(`  [${this.board.millis.toFixed(0).padStart(6)} ms] ${text}`);
  }

  /** An RFC 3339 time that follows the firmware's clock, from our boot answer's. */
  now() {
    return new Date(this.wallClock + this.board.millis).toISOString();
  }

  send(line) {
    this.log(`> ${line}`);
    if (line.startsWith('[')) this.frames.sent++;
    this.board.send(line);
  }

  /**
   * Runs the firmware until it sends a line, letting time pass (1 ms of
   * emulated time per chunk on top of the instructions' own, while nothing
   * waits to be received). Returns null after `withinMs`.
   */
  nextLine(withinMs) {
    const { board } = this;
    const until = board.millis + withinMs;
    for (;;) {
      if (board.out.length) {
        const line = board.out.shift();
        this.log(`< ${line}`);
        return line;
      }
      if (board.millis > until) return null;
      board.run(CHUNK);
      if (board.rx.length === 0) board.advance(1);
    }
  }

  /** The next frame of the firmware, parsed and checked against its schema. */
  nextFrame(withinMs = 2000, what = 'a frame') {
    const line = this.nextLine(withinMs);
    if (line !== null && line.startsWith('#')) throw new Deviation(`expected ${what}, got ${line}`);
    if (line === null) throw new Deviation(`waited ${withinMs} ms for ${what}: nothing came`);
    return this.parse(line);
  }

  /** A line of the firmware as a frame, checked: JSON, OCPP-J, the CALL's schema. */
  parse(line) {
    let frame;
    try {
      frame = JSON.parse(line);
    } catch (e) {
      throw new Deviation(`not JSON: ${line} (${e.message})`);
    }
    this.frames.received++;
    if (!Array.isArray(frame) || ![2, 3, 4].includes(frame[0]) || typeof frame[1] !== 'string') {
      throw new Deviation(`not an OCPP-J frame: ${line}`);
    }
    if (frame[0] === 2) {
      const [, id, action, payload] = frame;
      if (frame.length !== 4) throw new Deviation(`CALL of ${frame.length} elements: ${line}`);
      const problems = this.schemas.check(action, payload);
      if (problems) throw new Deviation(`${action} against its schema: ${problems}`);
      return { type: 'call', id, action, payload, line };
    }
    if (frame[0] === 3) {
      if (frame.length !== 3) throw new Deviation(`CALLRESULT of ${frame.length} elements: ${line}`);
      return { type: 'result', id: frame[1], payload: frame[2], line };
    }
    const [, id, code, description, details] = frame;
    if (frame.length !== 5 || typeof code !== 'string' || typeof description !== 'string' || typeof details !== 'object') {
      throw new Deviation(`malformed CALLERROR: ${line}`);
    }
    return { type: 'error', id, code, description, line };
  }

  /** The firmware's next frame must be a CALL of `action`; `check` may throw. */
  expectCall(action, check = () => {}, withinMs = 2000) {
    const f = this.nextFrame(withinMs, `a ${action}`);
    if (f.type !== 'call' || f.action !== action) {
      throw new Deviation(`expected a ${action} CALL, got ${f.line}`);
    }
    check(f.payload);
    return f;
  }

  /** Answers the firmware's CALL `f` (the answer is checked against its schema first). */
  answer(f, payload) {
    const problems = this.schemas.check(`${f.action}Response`, payload);
    if (problems) throw new Error(`the runner's own ${f.action} answer: ${problems}`);
    this.send(JSON.stringify([3, f.id, payload]));
  }

  /** Sends our CALL and returns the firmware's answer: a CALLRESULT (checked) or a CALLERROR. */
  call(action, payload, withinMs = 2000) {
    const problems = this.schemas.check(action, payload);
    if (problems) throw new Error(`the runner's own ${action}: ${problems}`);
    const id = `csms-${this.nextId++}`;
    this.send(JSON.stringify([2, id, action, payload]));
    const f = this.nextFrame(withinMs, `the answer to ${action}`);
    if (f.type === 'call') throw new Deviation(`expected the answer to ${action}, got a CALL: ${f.line}`);
    if (f.id !== id) throw new Deviation(`expected the answer to ${id} (${action}), got ${f.line}`);
    if (f.type === 'result') {
      const bad = this.schemas.check(`${action}Response`, f.payload);
      if (bad) throw new Deviation(`${action}Response against its schema: ${bad}`);
    }
    return f;
  }

  /** Nothing from the firmware for `ms` of emulated time. */
  expectQuiet(ms, why) {
    const line = this.nextLine(ms);
    if (line !== null) throw new Deviation(`expected nothing (${why}), got ${line}`);
  }

  /** Asks for `#stats` and returns the counters. */
  askStats() {
    this.send('#stats');
    const line = this.nextLine(1000);
    if (line === null || !line.startsWith('#stats ')) throw new Deviation(`expected the #stats line, got ${line}`);
    this.stats = Object.fromEntries(
      line
        .slice(7)
        .split(' ')
        .map((kv) => kv.split('='))
        .map(([k, v]) => [k, Number(v)]),
    );
    return this.stats;
  }
}

export function expect(cond, what) {
  if (!cond) throw new Deviation(what);
}
