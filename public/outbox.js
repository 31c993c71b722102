//# allFunctionsCalledOnLoad
// (Compiled whole as it loads, not on a save's first call: see scripts/build.sh.)
// Conum's outbox: every change to a record is written here (IndexedDB, store.js) before it is
// sent, and leaves only when the server acknowledged it. Shared by the page (through
// src/offline) and the service worker (Background Sync): one way of sending.
//
// An operation (typed in outbox-rules.js, with the rules: merges, what an answer means, the
// request) carries its `owner`, the conseiller who made it: it is only ever sent while the
// phone's session is theirs, with the owner header so that the server refuses it for any
// other account.
//
// Per record id, operations apply in `seq` order. A change leaves only on a JSON answer of
// Conum's server naming its id; anything else (a captive portal's "200 OK" page, a proxy's
// 502, no answer within SEND_TIMEOUT_MS) leaves everything for later.

import { OUTBOX, transaction, session, endSession } from '/store.js';
import { merge, waitingRecords, classify, request } from '/outbox-rules.js';

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
 * Queues a change of record `id` made by `owner` (`before`: the server's version it replaces,
 * when the page knew it), merged with what waits for it by `merge` (outbox-rules.js).
 */
export async function enqueue(kind, id, body, owner, before) {
  const fresh = {
    id, owner, kind, body: body ?? null, before: before ?? null,
    queuedAt: Date.now(), attempted: false, inFlight: false, error: null,
  };
  await transaction([OUTBOX], 'readwrite', (s) => {
    const store = s[OUTBOX];
    // What waits for `id` is read and `fresh` added in the same breath: with nothing queued
    // for `id` (a new record: nearly every save) `merge` adds `fresh` as it is, and the save
    // waits for one round trip to the browser's storage instead of two. Otherwise the early
    // `fresh` is taken back and `merge` applies, in the same transaction: nothing half-done
    // is ever visible. Requests of one transaction answer in order: the read's first.
    const request = store.index('id').getAll(id);
    const early = store.add(fresh);
    let takeBack = false;
    request.onsuccess = () => {
      const queued = request.result.sort((a, b) => a.seq - b.seq);
      if (queued.length === 0) return;
      takeBack = true;
      const { remove, put, add } = merge(queued, fresh);
      for (const seq of remove) store.delete(seq);
      if (put) store.put(put);
      if (add) store.add(add);
    };
    early.onsuccess = () => {
      if (takeBack) store.delete(early.result);
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

/** The JSON body, if the answer is JSON at all. */
async function json(response) {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  return response.json().catch(() => undefined);
}

async function send(op, contract) {
  let response;
  try {
    const { url, method, headers, body } = request(op, contract);
    response = await fetch(url, {
      method, headers, body, credentials: 'same-origin', signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
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
 * page and the service worker (Web Locks), by the server's `contract` (its `CONTRACT`, from
 * `/precache-manifest.js` for the worker; the page passes a function that loads
 * `/contract.js`, called only if something leaves). Resolves to the status after sending.
 */
export async function flush(contract) {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(LOCK, () => flushNow(contract));
  }
  return flushNow(contract);
}

async function flushNow(contract) {
  // The page passes a loader: `/contract.js` is fetched only when something leaves.
  let loaded = typeof contract === 'function' ? null : contract;
  const theContract = async () => (loaded ??= await contract());
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
    const answer = await send(op, await theContract());
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
