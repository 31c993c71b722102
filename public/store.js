//# allFunctionsCalledOnLoad
// (Compiled whole as it loads, not on a save's first call: see scripts/build.sh.)
// What Conum keeps on the phone, in one IndexedDB database shared by the page and the service
// worker (which has no localStorage):
// - `outbox`: the changes waiting to be sent (see outbox.js);
// - `kept`: copies shown offline (profile, last record, history, statistics, recent communes),
//   each tagged with the conseiller it belongs to;
// - `meta`: who the phone's session belongs to (`owner`, a conseiller id) and whether a
//   logout made offline still has to reach the server.
//
// A phone can be shared (a tablet at a France Services counter): only the owner's copies are
// ever shown, and when a session ends every copy of that conseiller is wiped; their unsent
// changes stay in the outbox, sealed to them, until they log in again.

const DB_NAME = 'conum';
const VERSION = 2;
export const OUTBOX = 'outbox';
const KEPT = 'kept';
const META = 'meta';
const CHANNEL = 'conum-session';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      const outbox = db.objectStoreNames.contains(OUTBOX)
        ? request.transaction.objectStore(OUTBOX)
        : db.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
      if (!outbox.indexNames.contains('id')) outbox.createIndex('id', 'id');
      if (!db.objectStoreNames.contains(KEPT)) db.createObjectStore(KEPT, { keyPath: 'name' });
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
  });
}

// The database stays open between transactions: opening it is a round trip to the browser's
// own process, and a save waited for two (the tap → confirmation). It is closed as soon as a
// newer version of the app asks to upgrade it (`versionchange`), and opened again on next use.
/** @type {Promise<IDBDatabase> | null} */
let opened = null;

function database() {
  opened ??= open().then((db) => {
    const forget = () => {
      opened = null;
      db.close();
    };
    db.onversionchange = forget;
    db.onclose = forget;
    return db;
  }, (error) => {
    opened = null;
    throw error;
  });
  return opened;
}

/** Runs `work(stores)` in one transaction over `names`; resolves with its result once the
 *  transaction is committed (an IDBRequest result is read then). */
export async function transaction(names, mode, work) {
  let db = await database();
  let tx;
  try {
    tx = db.transaction(names, mode);
  } catch (error) {
    // Closed under us (an upgrade, the browser clearing site data): open it again, once.
    if (error?.name !== 'InvalidStateError') throw error;
    opened = null;
    db = await database();
    tx = db.transaction(names, mode);
  }
  return new Promise((resolve, reject) => {
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    try {
      result = work(stores);
    } catch (error) {
      tx.abort();
      reject(error);
      return;
    }
    tx.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Reads one value by key. */
export function get(name, key) {
  return transaction([name], 'readonly', (s) => s[name].get(key));
}

const NO_SESSION = { key: 'session', owner: null, logoutPending: false };

/** { owner, logoutPending }: whose session the phone holds. */
export async function session() {
  return (await get(META, 'session')) ?? NO_SESSION;
}

function announce(change) {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(change);
  channel.close();
}

/** Calls `listener({ owner, expired })` whenever the session changes, in any context of the
 *  app (this page included): `expired` when it ended otherwise than by a logout. Returns the
 *  function that stops listening. */
export function onSessionChange(listener) {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => listener(event.data);
  return () => channel.close();
}

// Whose session the phone holds, told to the server with every page it asks for
// (server::accounts::sessions::phone_owner): the server paints records into a page (the history) only
// for that account — after a logout made offline, the session cookie (HttpOnly, out of the
// page's reach) lives on until the server hears of the logout. Written by the page only: the
// service worker has no cookies to write, and a session it ends was ended by the server.
const OWNER_COOKIE = 'conum_telephone';

function tellServerTheOwner(owner) {
  if (typeof document === 'undefined') return;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  const value = owner ? `${owner}; Max-Age=31536000` : '; Max-Age=0';
  document.cookie = `${OWNER_COOKIE}=${value}; Path=/; SameSite=Strict${secure}`;
}

/** The phone now belongs to `owner`. Another conseiller's copies are wiped first. */
export async function beginSession(owner) {
  const state = { key: 'session', owner, logoutPending: false };
  await transaction([META, KEPT], 'readwrite', (s) => {
    const previous = s[META].get('session');
    previous.onsuccess = () => {
      if (previous.result?.owner !== owner) s[KEPT].clear();
      s[META].put(state);
    };
  });
  tellServerTheOwner(owner);
  announce({ owner, expired: false });
}

/** The session ended (`why`: 'logout', 'expired' — the server said so —, 'deleted'): every
 *  copy kept for it is wiped; its unsent changes stay in the outbox, sealed to their owner.
 *  After a logout the server must still hear of it (`logoutPending`). */
export async function endSession(why = 'expired') {
  const logoutPending = why === 'logout';
  const state = { key: 'session', owner: null, logoutPending };
  await transaction([META, KEPT], 'readwrite', (s) => {
    s[KEPT].clear();
    s[META].put(state);
  });
  tellServerTheOwner(null);
  announce({ owner: null, expired: why === 'expired' });
}

/** The logout made offline has reached the server. */
export async function logoutDone() {
  await transaction([META], 'readwrite', (s) => {
    const current = s[META].get('session');
    current.onsuccess = () => s[META].put({ ...(current.result ?? NO_SESSION), logoutPending: false });
  });
}

/** Keeps `value` under `name` for `owner`, if the phone's session is still theirs. */
export async function keep(name, owner, value) {
  await transaction([META, KEPT], 'readwrite', (s) => {
    const current = s[META].get('session');
    current.onsuccess = () => {
      if (current.result?.owner === owner) s[KEPT].put({ name, owner, value });
    };
  });
}

/** The copy kept under `name`, if it belongs to the phone's current session. */
export async function kept(name) {
  const [state, entry] = await Promise.all([session(), get(KEPT, name)]);
  return entry && state.owner && entry.owner === state.owner ? entry.value : null;
}
