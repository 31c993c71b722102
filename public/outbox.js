// Conum's outbox: every change to a record is written here (IndexedDB, store.js) before it is
// sent, and leaves only when the server acknowledged it. Shared by the page (through
// src/offline) and the service worker (Background Sync): one way of sending.
//
// An operation is { seq, id, owner, kind: 'create' | 'update' | 'delete', body, before,
// queuedAt, attempted, inFlight, error }:
// - `before`: the server's version of the record an update or delete replaces, when the page
//   knew it; kept on the phone for the offline figures, never sent;
// - `owner` is the conseiller who made it: it is only ever sent while the phone's session is
//   theirs, with `X-Conum-Owner` so that the server refuses it for any other account;
// - `attempted`: a send was tried, so the server may hold it (its answer may have been lost);
// - `inFlight`: being sent right now; never merged into, so no later change is lost;
// - `error`: { status, body } when the server refused it (body: its JSON error, as sent).
//
// Per record id, operations apply in `seq` order. A change leaves only on a JSON answer of
// Conum's server naming its id; anything else (a captive portal's "200 OK" page, a proxy's
// 502, no answer within SEND_TIMEOUT_MS) leaves everything for later.

import { OUTBOX, transaction, session, endSession } from '/store.js';

/** A record is small: on one bar of 3G it goes within seconds, or the network is not there. */
const SEND_TIMEOUT_MS = 8000;
const LOCK = 'conum-outbox';
const CHANNEL = 'conum-outbox';

async function everything() {
  return transaction([OUTBOX], 'readonly', (s) => s[OUTBOX].getAll());
}

/** The current conseiller's pending operations, oldest first. */
export async function all() {
  const [{ owner }, ops] = await Promise.all([session(), everything()]);
  return owner ? ops.filter((op) => op.owner === owner) : [];
}

/** How many changes wait for a conseiller who is not logged in on this phone. */
export async function sealed() {
  const [{ owner }, ops] = await Promise.all([session(), everything()]);
  return ops.filter((op) => op.owner !== owner).length;
}

const listeners = new Set();

/** How many records wait to be sent: one per record, whatever the changes queued for it; a
 *  record deleted on the phone does not count, though its deletion may still have to go. */
function waitingRecords(ops) {
  const latest = new Map();
  for (const op of ops) if (!latest.get(op.id)?.error) latest.set(op.id, op);
  return [...latest.values()].filter((op) => op.kind !== 'delete').length;
}

async function status() {
  const [{ owner }, ops] = await Promise.all([session(), all()]);
  return { owner, pending: waitingRecords(ops), ops };
}

async function changed() {
  const current = await status();
  for (const listener of listeners) listener(current);
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage('changed');
    channel.close();
  }
  return current;
}

/** Calls `listener(status)` now and on every change (in this context or another one).
 *  Returns the function that stops listening. */
export function subscribe(listener) {
  listeners.add(listener);
  status().then(listener);
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  if (channel) channel.onmessage = () => status().then(listener);
  return () => {
    listeners.delete(listener);
    channel?.close();
  };
}

/**
 * Queues a change of record `id` made by `owner`, merged with what waits for it when that
 * loses nothing:
 * - a create never sent, then an update: the create carries the new body;
 * - a create never sent, then a delete: both vanish (the server never knew the record);
 * - an update not being sent, then an update: the last body wins (PUT replaces everything);
 * - anything being sent (or a create the server may hold): the new change waits behind it.
 * A merged update keeps the `before` of the first (the server's version); a delete takes it
 * from the update it replaces.
 */
export async function enqueue(kind, id, body, owner, before) {
  await transaction([OUTBOX], 'readwrite', (s) => {
    const store = s[OUTBOX];
    const request = store.index('id').getAll(id);
    request.onsuccess = () => {
      const queued = request.result.sort((a, b) => a.seq - b.seq);
      const idle = queued.filter((op) => !op.inFlight);
      const last = queued[queued.length - 1];
      const known = queued.find((op) => op.before)?.before ?? before ?? null;
      const fresh = { id, owner, kind, body: body ?? null, before: known, queuedAt: Date.now(), attempted: false, inFlight: false, error: null };
      if (kind === 'delete') {
        const unknownToServer = queued.length > 0
          && queued.every((op) => !op.inFlight && !op.attempted)
          && queued[0].kind === 'create';
        for (const op of idle) store.delete(op.seq);
        if (!unknownToServer) store.add(fresh);
        return;
      }
      const mergeable = last && !last.inFlight && last.kind !== 'delete'
        && (last.kind === 'update' || !last.attempted);
      if (mergeable) {
        store.put({ ...last, body, error: null });
      } else {
        store.add(kind === 'create' && last ? { ...fresh, kind: 'update' } : fresh);
      }
    };
  });
  // Safe once the transaction is committed: the listeners (the banner's count) hear of it
  // after, so the page confirms without waiting for them.
  changed().catch(() => {});
}

/** Gives up every waiting change of record `id` (after a refusal for good). */
export async function discard(id) {
  await transaction([OUTBOX], 'readwrite', (s) => {
    const request = s[OUTBOX].index('id').getAll(id);
    request.onsuccess = () => {
      for (const op of request.result) if (!op.inFlight) s[OUTBOX].delete(op.seq);
    };
  });
  await changed();
}

/** Forgets every change `owner` left on this phone (their account was deleted). */
export async function forget(owner) {
  await transaction([OUTBOX], 'readwrite', (s) => {
    const request = s[OUTBOX].getAll();
    request.onsuccess = () => {
      for (const op of request.result) if (op.owner === owner) s[OUTBOX].delete(op.seq);
    };
  });
  await changed();
}

function url(op) {
  return op.kind === 'create' ? '/api/accompagnements' : `/api/accompagnements/${op.id}`;
}

const METHODS = { create: 'POST', update: 'PUT', delete: 'DELETE' };

/** The JSON body, if the answer is JSON at all. */
async function json(response) {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  return response.json().catch(() => undefined);
}

/**
 * What the answer to `op` means:
 * - 'done': the server holds the change (or, for a delete, the record is gone);
 * - 'network': not an answer of Conum's server (nothing, a timeout, a portal): stop for now;
 * - 'login': the session is over (or belongs to someone else): seal and stop;
 * - 'later': the server cannot take it now (5xx, or 429: the day's quota): keep it, go on
 *   with other records;
 * - 'refused': the server refused this change; keep it with the server's error.
 */
export function classify(op, status, body) {
  const ours = body && typeof body === 'object';
  if (status >= 200 && status < 300) {
    return ours && body.id === op.id ? 'done' : 'network';
  }
  const kind = ours ? body.data?.kind : undefined;
  if (typeof kind !== 'string') return 'network';
  if (status === 401) return 'login';
  if (op.kind === 'delete' && status === 404 && kind === 'not_found') return 'done';
  if (status >= 500 || status === 429) return 'later';
  return 'refused';
}

async function send(op) {
  let response;
  try {
    response = await fetch(url(op), {
      method: METHODS[op.kind],
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-conum-owner': op.owner },
      // A delete's body (the record it takes away) only serves the figures on the phone.
      body: op.body && op.kind !== 'delete' ? JSON.stringify(op.body) : undefined,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch {
    return { outcome: 'network' };
  }
  const body = await json(response);
  return { outcome: classify(op, response.status, body), status: response.status, body };
}

/** Marks `seq` as being sent and returns it as it is now (it may have changed or gone). */
async function takeForSending(seq) {
  return transaction([OUTBOX], 'readwrite', (s) => {
    const found = { op: null };
    const request = s[OUTBOX].get(seq);
    request.onsuccess = () => {
      if (!request.result) return;
      found.op = { ...request.result, inFlight: true, attempted: true };
      s[OUTBOX].put(found.op);
    };
    return found;
  }).then((found) => found.op);
}

async function settle(op, changes) {
  await transaction([OUTBOX], 'readwrite', (s) => {
    if (changes === null) s[OUTBOX].delete(op.seq);
    else s[OUTBOX].put({ ...op, inFlight: false, ...changes });
  });
}

/**
 * Sends what waits for the current conseiller, in order, one sender at a time across the
 * page and the service worker (Web Locks). Resolves to the status after sending.
 */
export async function flush() {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(LOCK, flushNow);
  }
  return flushNow();
}

async function flushNow() {
  const { owner, logoutPending } = await session();
  if (!owner || logoutPending) return changed();
  const ops = (await everything()).filter((op) => op.owner === owner);
  // We hold the lock: an `inFlight` left by a sender that died (a closed tab) is stale.
  for (const op of ops.filter((o) => o.inFlight)) await settle(op, {});
  const blocked = new Set();
  for (const queued of ops) {
    if (blocked.has(queued.id) || queued.error) {
      blocked.add(queued.id);
      continue;
    }
    const op = await takeForSending(queued.seq);
    if (!op) continue;
    const answer = await send(op);
    if (answer.outcome === 'done') {
      await settle(op, null);
      continue;
    }
    if (answer.outcome === 'refused') {
      await settle(op, { attempted: false, error: { status: answer.status, body: answer.body } });
    } else {
      await settle(op, {});
    }
    blocked.add(op.id);
    if (answer.outcome === 'login') {
      await endSession('expired');
      break;
    }
    if (answer.outcome === 'network') break;
  }
  return changed();
}
