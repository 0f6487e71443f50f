// The session under a pool too small for it (the firmware built with
// `--features small-pool`): whatever the firmware cannot allocate must come
// back as an out-of-memory outcome, and only as one; the firmware keeps
// answering and never faults (the board throws on a HardFault or a panic).
import { Deviation, expect } from './csms.mjs';
import { ID_TAG, TRANSACTION_ID } from './session.mjs';

/** The out-of-memory outcomes a CALL of ours may get instead of its usual answer. */
function outcome(cs, r, usual) {
  if (r.type === 'error') {
    expect(r.code === 'InternalError', `a refusal answered ${r.code}, not InternalError: ${r.line}`);
    cs.oom.push(r.line);
    return false;
  }
  if (usual(r.payload)) return true;
  expect(r.payload.status === 'Rejected', `neither the usual answer nor Rejected: ${r.line}`);
  cs.oom.push(r.line);
  return false;
}

/**
 * Answers the firmware's CALLs for `ms` as a central system would, checking
 * each; returns them. A CALL the full session would not send fails the run.
 */
function pump(cs, ms, allowed) {
  const calls = [];
  const until = cs.board.millis + ms;
  for (;;) {
    const left = until - cs.board.millis;
    if (left <= 0) return calls;
    const line = cs.nextLine(left);
    if (line === null) return calls;
    expect(!line.startsWith('#'), `a control line here: ${line}`);
    const f = cs.parse(line);
    expect(f.type === 'call', `unasked-for answer ${f.line}`);
    expect(allowed.includes(f.action), `${f.action} here: ${f.line}`);
    calls.push(f);
    switch (f.action) {
      case 'Authorize':
        cs.answer(f, { idTagInfo: { status: 'Accepted' } });
        break;
      case 'StartTransaction':
        cs.answer(f, { transactionId: TRANSACTION_ID, idTagInfo: { status: 'Accepted' } });
        break;
      case 'Heartbeat':
        cs.answer(f, { currentTime: cs.now() });
        break;
      default:
        cs.answer(f, {});
    }
  }
}

export function smallPoolSession(cs) {
  cs.oom = [];
  cs.step('connect and boot (no allocation: must work)');
  cs.send('#connected');
  const boot = cs.expectCall('BootNotification');
  cs.answer(boot, { status: 'Accepted', currentTime: cs.now(), interval: 300 });
  for (const c of [0, 1]) {
    const s = cs.expectCall('StatusNotification', (p) => expect(p.connectorId === c && p.status === 'Available', `status ${JSON.stringify(p)}`));
    cs.answer(s, {});
  }
  const before = cs.askStats();

  cs.step('the central system configures sampling');
  for (const [key, value] of [
    ['MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import'],
    ['MeterValueSampleInterval', '1'],
  ]) {
    outcome(cs, cs.call('ChangeConfiguration', { key, value }), (p) => p.status === 'Accepted');
  }
  cs.send('#meter Energy.Active.Import.Register 1000');
  cs.send('#meter Power.Active.Import 11000');

  cs.step('plug in, present the idTag: a transaction, if the pool has room for it');
  cs.send('#plug');
  cs.send(`#idtag ${ID_TAG}`);
  const tx = pump(cs, 3000, ['StatusNotification', 'Authorize', 'StartTransaction', 'MeterValues']);
  const started = tx.some((f) => f.action === 'StartTransaction');
  let stats = cs.askStats();
  if (!started) {
    // The idTag's queue places could not be had: the input was refused
    // (InputError::OutOfMemory), changed nothing, and is retried.
    expect(stats.inputs_refused > 0, `no transaction, yet no input refused: ${JSON.stringify(stats)}`);
  }

  cs.step('the central system asks for a remote start / stop');
  if (started) {
    const r = cs.call('RemoteStopTransaction', { transactionId: TRANSACTION_ID });
    outcome(cs, r, (p) => p.status === 'Accepted');
  } else {
    const r = cs.call('RemoteStartTransaction', { idTag: 'REMOTE01', connectorId: 1 });
    expect(!outcome(cs, r, () => false), 'a remote start accepted with no room for a transaction');
  }
  pump(cs, 500, ['StatusNotification', 'StopTransaction', 'MeterValues', 'Authorize', 'StartTransaction']);

  cs.step('still answering: TriggerMessage, GetConfiguration, unplug');
  let r = cs.call('TriggerMessage', { requestedMessage: 'Heartbeat' });
  if (outcome(cs, r, (p) => p.status === 'Accepted')) {
    expect(pump(cs, 500, ['Heartbeat']).length === 1, 'the triggered Heartbeat did not come');
  }
  r = cs.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  outcome(cs, r, (p) => p.configurationKey?.[0]?.value === '300');
  cs.send('#unplug');
  const unplugged = pump(cs, 500, ['StatusNotification', 'StopTransaction']);
  expect(unplugged.some((f) => f.action === 'StatusNotification'), 'no StatusNotification after #unplug');

  cs.step('#stats: refusals, and nothing else wrong');
  stats = cs.askStats();
  expect(stats.refusals > 0, `the pool refused nothing: ${stats.pool_capacity} B is not too small for this session`);
  // One refusal, one out-of-memory outcome: each refused input (the idTag,
  // retried every scan) or an answer of ours (InternalError, Rejected).
  expect(
    stats.refusals === stats.inputs_refused + cs.oom.length,
    `${stats.refusals} refusals, but ${stats.inputs_refused} inputs refused and ${cs.oom.length} out-of-memory answers`,
  );
  cs.oom.push(`${stats.inputs_refused} inputs refused (InputError::OutOfMemory)`);
  for (const k of ['lines_dropped', 'encode_errors', 'tx_discarded']) expect(stats[k] === 0, `#stats ${k}=${stats[k]}`);
  expect(stats.pool_in_use <= stats.pool_capacity && before.refusals === 0, `pool figures ${JSON.stringify(stats)}`);
  console.log(`rp2040-emu: small pool: ${stats.refusals} refusals, out-of-memory outcomes: ${cs.oom.join('; ')}`);
  return stats;
}

export { Deviation };
