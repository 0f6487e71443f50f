// The scripted session: connect, boot, plug, authorize, a transaction with
// meter values, a remote stop, unplug, `#stats`. Every frame the firmware
// sends is checked; `tolerant` (the too-small pool) also takes the
// out-of-memory outcomes, and only those.
import { Deviation, expect } from './csms.mjs';

export const ID_TAG = 'ABCD1234';
export const TRANSACTION_ID = 42;
const SAMPLED = 'Energy.Active.Import.Register,Power.Active.Import';
const UNITS = { 'Energy.Active.Import.Register': 'Wh', 'Power.Active.Import': 'W' };

function status(connectorId, wanted) {
  return (p) => {
    expect(p.connectorId === connectorId, `StatusNotification of connector ${p.connectorId}, expected ${connectorId}`);
    expect(p.status === wanted, `StatusNotification ${p.status} of connector ${connectorId}, expected ${wanted}`);
    expect(p.errorCode === 'NoError', `errorCode ${p.errorCode}`);
  };
}

/** A MeterValues sample of the transaction: energy and power as the meter reads them. */
function sample(energyWh, powerW) {
  return (p) => {
    expect(p.connectorId === 1 && p.transactionId === TRANSACTION_ID, `MeterValues of ${p.connectorId}/${p.transactionId}`);
    expect(p.meterValue.length === 1, `${p.meterValue.length} meterValues`);
    const got = {};
    for (const sv of p.meterValue[0].sampledValue) {
      expect(UNITS[sv.measurand] === sv.unit, `${sv.measurand} in ${sv.unit}`);
      expect((sv.context ?? 'Sample.Periodic') === 'Sample.Periodic', `context ${sv.context}`);
      got[sv.measurand] = Number(sv.value);
    }
    const want = { 'Energy.Active.Import.Register': energyWh, 'Power.Active.Import': powerW };
    expect(JSON.stringify(got) === JSON.stringify(want), `sampled ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
}

/** The session with the whole pool: every frame as scripted. */
export function fullSession(cs) {
  cs.step('connect and boot');
  cs.send('#connected');
  const boot = cs.expectCall('BootNotification', (p) => {
    expect(p.chargePointVendor === 'VendorX' && p.chargePointModel === 'ModelY', `identity ${JSON.stringify(p)}`);
  });
  cs.answer(boot, { status: 'Accepted', currentTime: cs.now(), interval: 300 });
  cs.answer(cs.expectCall('StatusNotification', status(0, 'Available')), {});
  cs.answer(cs.expectCall('StatusNotification', status(1, 'Available')), {});

  cs.step('configure sampling: energy and power every second');
  let r = cs.call('ChangeConfiguration', { key: 'MeterValuesSampledData', value: SAMPLED });
  expect(r.type === 'result' && r.payload.status === 'Accepted', `ChangeConfiguration: ${r.line}`);
  r = cs.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
  expect(r.type === 'result' && r.payload.status === 'Accepted', `ChangeConfiguration: ${r.line}`);
  r = cs.call('GetConfiguration', { key: ['MeterValueSampleInterval', 'NoSuchKey'] });
  expect(
    r.type === 'result' &&
      JSON.stringify(r.payload.configurationKey) === '[{"key":"MeterValueSampleInterval","readonly":false,"value":"1"}]' &&
      JSON.stringify(r.payload.unknownKey) === '["NoSuchKey"]',
    `GetConfiguration: ${r.line}`,
  );
  cs.send('#meter Energy.Active.Import.Register 1000');
  cs.send('#meter Power.Active.Import 0');

  cs.step('plug in, present the idTag: Authorize, StartTransaction');
  cs.send('#plug');
  cs.answer(cs.expectCall('StatusNotification', status(1, 'Preparing')), {});
  cs.send(`#idtag ${ID_TAG}`);
  const auth = cs.expectCall('Authorize', (p) => expect(p.idTag === ID_TAG, `Authorize of ${p.idTag}`));
  cs.answer(auth, { idTagInfo: { status: 'Accepted' } });
  const start = cs.expectCall('StartTransaction', (p) => {
    expect(p.connectorId === 1 && p.idTag === ID_TAG && p.meterStart === 1000, `StartTransaction ${JSON.stringify(p)}`);
  });
  cs.answer(start, { transactionId: TRANSACTION_ID, idTagInfo: { status: 'Accepted' } });
  cs.answer(cs.expectCall('StatusNotification', status(1, 'Charging')), {});

  cs.step('charge: two samples a second apart');
  cs.send('#meter Power.Active.Import 11000');
  cs.send('#meter Energy.Active.Import.Register 1003');
  cs.answer(cs.expectCall('MeterValues', sample(1003, 11000)), {});
  cs.send('#meter Energy.Active.Import.Register 1006');
  cs.answer(cs.expectCall('MeterValues', sample(1006, 11000)), {});

  cs.step('remote stop: StopTransaction with reason Remote, Finishing');
  r = cs.call('RemoteStopTransaction', { transactionId: TRANSACTION_ID });
  expect(r.type === 'result' && r.payload.status === 'Accepted', `RemoteStopTransaction: ${r.line}`);
  const stop = cs.expectCall('StopTransaction', (p) => {
    expect(p.transactionId === TRANSACTION_ID && p.reason === 'Remote' && p.meterStop === 1006, `StopTransaction ${JSON.stringify(p)}`);
  });
  cs.answer(stop, {});
  cs.answer(cs.expectCall('StatusNotification', status(1, 'Finishing')), {});

  cs.step('unplug: Available');
  cs.send('#unplug');
  cs.answer(cs.expectCall('StatusNotification', status(1, 'Available')), {});
  cs.expectQuiet(1500, 'no transaction: no samples');

  cs.step('#stats');
  const stats = cs.askStats();
  expect(stats.refusals === 0, `${stats.refusals} refusals with the whole pool`);
  for (const k of ['lines_dropped', 'frames_not_taken', 'inputs_refused', 'encode_errors', 'tx_queued', 'tx_samples_skipped', 'tx_discarded']) {
    expect(stats[k] === 0, `#stats ${k}=${stats[k]}`);
  }
  expect(stats.pool_in_use > 0 && stats.pool_peak >= stats.pool_in_use, `pool figures ${JSON.stringify(stats)}`);
  return stats;
}

export { Deviation };
