// The OCPP 1.6 JSON schemas (draft-04) of the repository's schemas/ocpp16/,
// checked with what they use: type, properties, required,
// additionalProperties, enum, maxLength, minItems, items, multipleOf,
// format date-time, $ref to definitions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export class Schemas {
  constructor(dir) {
    this.dir = dir;
    this.cache = new Map();
  }

  load(name) {
    if (!this.cache.has(name)) {
      this.cache.set(name, JSON.parse(readFileSync(join(this.dir, `${name}.json`), 'utf8')));
    }
    return this.cache.get(name);
  }

  /** Problems of `value` against the schema `name` ("" when valid). */
  check(name, value) {
    const root = this.load(name);
    const problems = [];
    walk(root, root, value, name, problems);
    return problems.join('; ');
  }
}

/**
 * Throws unless the checker finds what it must: run before a session, so
 * that a checker that accepts everything cannot pass one.
 */
export function selfCheck(schemas) {
  const cases = [
    ['BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, true],
    ['BootNotification', { chargePointVendor: 'V' }, false], // required
    ['BootNotification', { chargePointVendor: 'V', chargePointModel: 'M', x: 1 }, false], // additionalProperties
    ['BootNotification', { chargePointVendor: 'V'.repeat(21), chargePointModel: 'M' }, false], // maxLength
    ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Busy' }, false], // enum
    ['StartTransaction', { connectorId: 1, idTag: 'A', meterStart: 1.5, timestamp: '2026-11-30T10:00:00Z' }, false], // integer
    ['StartTransaction', { connectorId: 1, idTag: 'A', meterStart: 1, timestamp: '30/11/2026' }, false], // date-time
    ['MeterValues', { connectorId: 1, meterValue: [] }, false], // minItems
    ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: '2026-11-30T10:00:00Z', sampledValue: [{ value: 1 }] }] }, false], // nested type
  ];
  for (const [name, value, valid] of cases) {
    const problems = schemas.check(name, value);
    if ((problems === '') !== valid) {
      throw new Error(`the schema checker is wrong on ${name} ${JSON.stringify(value)}: ${problems || 'no problem found'}`);
    }
  }
}

function typeOk(type, v) {
  switch (type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      return true;
  }
}

function walk(root, s, v, at, problems) {
  if (s.$ref) {
    const path = s.$ref.replace(/^#\//, '').split('/');
    s = path.reduce((o, k) => o[k], root);
  }
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeOk(t, v))) {
      problems.push(`${at}: ${JSON.stringify(v)} is not of type ${types.join('|')}`);
      return;
    }
  }
  if (s.enum && !s.enum.includes(v)) problems.push(`${at}: ${JSON.stringify(v)} is not one of the enum`);
  if (typeof v === 'string') {
    if (s.maxLength !== undefined && v.length > s.maxLength) problems.push(`${at}: longer than ${s.maxLength}`);
    if (s.format === 'date-time' && !DATE_TIME.test(v)) problems.push(`${at}: ${v} is not a date-time`);
  }
  if (typeof v === 'number' && s.multipleOf !== undefined) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) problems.push(`${at}: ${v} is not a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) problems.push(`${at}: fewer than ${s.minItems} items`);
    if (s.items) v.forEach((item, i) => walk(root, s.items, item, `${at}[${i}]`, problems));
  }
  if (typeOk('object', v) && (s.properties || s.required)) {
    const props = s.properties || {};
    for (const key of s.required || []) {
      if (!(key in v)) problems.push(`${at}: ${key} is required`);
    }
    for (const [key, value] of Object.entries(v)) {
      if (props[key]) walk(root, props[key], value, `${at}.${key}`, problems);
      else if (s.additionalProperties === false) problems.push(`${at}: ${key} is not allowed`);
    }
  }
}
