// The outbox's pure rules (public/outbox-rules.js), without a browser: node --test tests/js/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { merge, waitingRecords, classify, request } from '../../public/outbox-rules.js';

/** A contract as /contract.js gives it (the server writes the real one from src/wire.rs). */
const CONTRACT = {
  RECORDS_PATH: '/records', OWNER_HEADER: 'x-owner', METHODS: { create: 'POST', update: 'PUT', delete: 'DELETE' },
};
const RECORDS_PATH = CONTRACT.RECORDS_PATH;

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
let seq = 0;
/** A change of record ID as the outbox keeps it. */
const op = (kind, fields = {}) => ({
  seq: ++seq, id: ID, owner: 'c1', kind, body: { id: ID, duree_minutes: 30 }, before: null,
  queuedAt: 0, attempted: false, inFlight: false, error: null, ...fields,
});
/** A change about to be queued (no seq yet). */
const fresh = (kind, fields = {}) => {
  const { seq: _, ...change } = op(kind, fields);
  return change;
};

test('an update of a create never sent is merged into it: one POST with the new body', () => {
  const create = op('create');
  const { remove, put, add } = merge([create], fresh('update', { body: { id: ID, duree_minutes: 60 } }));
  assert.deepEqual(remove, []);
  assert.equal(add, null);
  assert.equal(put.seq, create.seq);
  assert.equal(put.kind, 'create');
  assert.equal(put.body.duree_minutes, 60);
});

test('a delete of a create never sent takes both away: the server never hears of the record', () => {
  const create = op('create');
  assert.deepEqual(merge([create], fresh('delete')), { remove: [create.seq], put: null, add: null });
});

test('a delete of a create the server may hold goes after it', () => {
  const create = op('create', { attempted: true });
  const { remove, add } = merge([create], fresh('delete'));
  assert.deepEqual(remove, [create.seq]);
  assert.equal(add.kind, 'delete');
});

test('nothing is merged into a change being sent: the new one waits behind it', () => {
  const sending = op('update', { inFlight: true, attempted: true, before: { duree_minutes: 15 } });
  const { remove, put, add } = merge([sending], fresh('update', { body: { id: ID, duree_minutes: 90 } }));
  assert.deepEqual([remove, put], [[], null]);
  assert.equal(add.kind, 'update');
  assert.equal(add.body.duree_minutes, 90);
  assert.deepEqual(add.before, { duree_minutes: 15 }, 'the server version known first');
  // A delete leaves the change being sent alone.
  assert.deepEqual(merge([sending], fresh('delete')).remove, []);
});

test('two edits are one PUT with the last body and the first edit\'s server version', () => {
  const first = op('update', { before: { duree_minutes: 15 } });
  const { put } = merge([first], fresh('update', { body: { id: ID, duree_minutes: 45 }, before: { duree_minutes: 30 } }));
  assert.equal(put.body.duree_minutes, 45);
  assert.deepEqual(put.before, { duree_minutes: 15 });
});

test('a delete after an edit takes away the server\'s version, not the edited one', () => {
  const edit = op('update', { before: { duree_minutes: 15 } });
  const { remove, add } = merge([edit], fresh('delete', { body: { id: ID, duree_minutes: 45 } }));
  assert.deepEqual(remove, [edit.seq]);
  assert.deepEqual(add.before, { duree_minutes: 15 });
});

test('a create queued behind other changes of its id is sent as an update', () => {
  const sending = op('create', { inFlight: true, attempted: true });
  assert.equal(merge([sending], fresh('create')).add.kind, 'update');
  assert.equal(merge([], fresh('create')).add.kind, 'create');
});

test('waiting records: one per record, deletions not counted, a refused change holds its record', () => {
  const other = (kind, fields) => ({ ...op(kind, fields), id: 'autre' });
  assert.equal(waitingRecords([op('create'), op('update')]), 1);
  assert.equal(waitingRecords([op('create'), other('delete')]), 1);
  assert.equal(waitingRecords([op('update', { error: { status: 422, body: {} } }), op('delete')]), 1);
  assert.equal(waitingRecords([]), 0);
});

test('only an answer of Conum\'s server naming the record acknowledges it', () => {
  const create = op('create');
  assert.equal(classify(create, 200, { id: ID }), 'done');
  assert.equal(classify(create, 200, undefined), 'network', 'a captive portal\'s 200 page');
  assert.equal(classify(create, 200, { id: 'autre' }), 'network');
  assert.equal(classify(create, 502, undefined), 'network', 'a proxy\'s page');
  assert.equal(classify(create, 401, { data: { kind: 'unauthorized' } }), 'login');
  assert.equal(classify(create, 503, { data: { kind: 'busy' } }), 'later');
  assert.equal(classify(create, 429, { data: { kind: 'daily_quota' } }), 'later');
  assert.equal(classify(create, 400, { data: { kind: 'invalid' } }), 'refused');
  assert.equal(classify(op('delete'), 404, { data: { kind: 'not_found' } }), 'done');
  assert.equal(classify(op('update'), 404, { data: { kind: 'not_found' } }), 'refused');
});

test('a change is sent to its route with its owner; a delete\'s body stays on the phone', () => {
  const create = request(op('create'), CONTRACT);
  assert.deepEqual([create.method, create.url], ['POST', RECORDS_PATH]);
  assert.equal(create.headers[CONTRACT.OWNER_HEADER], 'c1');
  assert.equal(JSON.parse(create.body).duree_minutes, 30);
  assert.deepEqual([request(op('update'), CONTRACT).method, request(op('update'), CONTRACT).url], ['PUT', `${RECORDS_PATH}/${ID}`]);
  const remove = request(op('delete'), CONTRACT);
  assert.deepEqual([remove.method, remove.body], ['DELETE', undefined]);
});
