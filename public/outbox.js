// Conum's outbox: every change to a record is written here (IndexedDB) before it is sent, and
// leaves only when the server acknowledged it. Shared by the page (through src/offline) and the
// service worker (Background Sync), so that there is one way of sending.
//
// An operation is { seq, id, kind: 'create' | 'update' | 'delete', body, error, queuedAt }.
// Operations are sent in `seq` order. A network failure or a 5xx keeps everything for later;
// a 400 keeps the operation with the server's French message (error) until it is fixed; a 401
// keeps everything and says that the conseiller must log in again.

const DB_NAME = 'conum';
const STORE = 'outbox';

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
      store.createIndex('id', 'id');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Every pending operation, oldest first. */
export async function all() {
  return withStore('readonly', (store) => store.getAll());
}

const listeners = new Set();
let loginNeeded = false;

async function changed() {
  const ops = await all();
  const status = { pending: ops.length, loginNeeded, ops };
  for (const listener of listeners) listener(status);
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel('conum-outbox');
    channel.postMessage({ pending: ops.length, loginNeeded });
    channel.close();
  }
  return status;
}

/** Calls `listener(status)` now and on every change (in this page or another context). */
export function subscribe(listener) {
  listeners.add(listener);
  changed();
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel('conum-outbox');
    channel.onmessage = () => all().then((ops) => listener({ pending: ops.length, loginNeeded, ops }));
  }
  return () => listeners.delete(listener);
}

/**
 * Queues a change of record `id`, merged with what is already queued for it:
 * - create then update: the create carries the new body;
 * - create then delete: both vanish (the server never knew the record);
 * - update then update: the last one wins; update then delete: the delete alone.
 */
export async function enqueue(kind, id, body) {
  await withStore('readwrite', (store) => {
    const index = store.index('id');
    const request = index.getAll(id);
    request.onsuccess = () => {
      const queued = request.result;
      const create = queued.find((op) => op.kind === 'create');
      if (create && kind === 'update') {
        store.put({ ...create, body, error: null });
        return;
      }
      if (create && kind === 'delete') {
        for (const op of queued) store.delete(op.seq);
        return;
      }
      if (kind === 'create' && create) {
        store.put({ ...create, body, error: null });
        return;
      }
      for (const op of queued) if (op.kind === 'update') store.delete(op.seq);
      store.add({ id, kind, body: body ?? null, error: null, queuedAt: Date.now() });
    };
  });
  await changed();
}

/** Whether a change of record `id` is still waiting. */
export async function has(id) {
  return (await all()).some((op) => op.id === id);
}

function request(op) {
  const url = op.kind === 'create' ? '/api/accompagnements' : `/api/accompagnements/${op.id}`;
  const method = { create: 'POST', update: 'PUT', delete: 'DELETE' }[op.kind];
  return fetch(url, {
    method,
    credentials: 'same-origin',
    headers: op.body ? { 'content-type': 'application/json' } : {},
    body: op.body ? JSON.stringify(op.body) : undefined,
  });
}

async function remove(seq) {
  await withStore('readwrite', (store) => store.delete(seq));
}

async function markRejected(op, error) {
  await withStore('readwrite', (store) => store.put({ ...op, error }));
}

let flushing = null;

/**
 * Sends what is waiting, in order. Resolves to { sent: {id: storedRecord}, status }.
 * Only one flush runs at a time in a context; a second call waits for the first.
 */
export function flush() {
  if (!flushing) {
    flushing = flushNow().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function flushNow() {
  const sent = {};
  const blocked = new Set();
  const ops = await all();
  if (ops.length === 0) loginNeeded = false;
  for (const op of ops) {
    if (op.error || blocked.has(op.id)) {
      blocked.add(op.id);
      continue;
    }
    let response;
    try {
      response = await request(op);
    } catch {
      break; // offline or server unreachable: keep everything for later
    }
    if (response.status === 401) {
      loginNeeded = true;
      break;
    }
    loginNeeded = false;
    if (response.status >= 500) break;
    if (response.ok || (op.kind === 'delete' && response.status === 404)) {
      sent[op.id] = op.kind === 'delete' ? null : await response.json().catch(() => null);
      await remove(op.seq);
      continue;
    }
    // 400, 404 on update, 409: the server refused this change; keep it with its message.
    const body = await response.json().catch(() => ({}));
    await markRejected(op, {
      message: body.message ?? `Refus du serveur (${response.status})`,
      errors: body.data?.errors ?? [],
    });
    blocked.add(op.id);
  }
  const status = await changed();
  return { sent, status };
}

