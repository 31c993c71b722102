// The one door between the Rust client and the app's own JavaScript modules (public/store.js,
// outbox.js, pwa.js), bound by wasm-bindgen in src/offline/js.rs.
//
// The modules are imported by their public URL, at run time: the page and the service worker
// must share one instance of each (the service worker imports them by that URL too), so they
// cannot be bundled into the wasm glue.
const load = (name) => import(new URL(`/${name}.js`, self.location.origin).href);

/** A save's rehearsal (src/offline/outbox.rs, `rehearse`) takes this way and keeps nothing. */
const REHEARSAL = 'repetition';

export async function enqueue(kind, id, body, owner, before) {
  const outbox = await load('outbox');
  if (kind === REHEARSAL) return;
  await outbox.enqueue(kind, id, body, owner, before);
}

export async function flush() {
  const outbox = await load('outbox');
  // The contract is fetched only when something leaves: most flushes send nothing.
  const sending = outbox.flush(() => load('contract').then((m) => m.CONTRACT));
  // The worker's Background Sync (the way out if the app closes before the network comes
  // back) is asked for once the page holds its place in the outbox's lock: the page sends
  // first, on a network that never answers it is not the worker's attempt it waits behind.
  requestBackgroundSync();
  return sending;
}

export async function pendingChanges() {
  return (await load('outbox')).all();
}

export async function discard(id) {
  await (await load('outbox')).discard(id);
}

export async function forget(owner) {
  await (await load('outbox')).forget(owner);
}

export async function sealed() {
  return (await load('outbox')).sealed();
}

export async function followOutbox(listener) {
  return (await load('outbox')).subscribe((status) => listener(status));
}

export function startSending() {
  load('pwa').then((pwa) => pwa.startSending());
}

export async function session() {
  return (await load('store')).session();
}

export async function beginSession(owner) {
  await (await load('store')).beginSession(owner);
}

export async function endSession(why) {
  await (await load('store')).endSession(why);
}

export async function logoutDone() {
  await (await load('store')).logoutDone();
}

export async function followSession(listener) {
  return (await load('store')).onSessionChange((change) => listener(change));
}

export async function keep(name, owner, value) {
  await (await load('store')).keep(name, owner, value);
}

export async function kept(name) {
  return (await load('store')).kept(name);
}

export async function registerWorker(onUpdate, onReadyOffline) {
  await (await load('pwa')).registerWorker(() => onUpdate(), () => onReadyOffline());
}

export function activateUpdate() {
  load('pwa').then((pwa) => pwa.activateUpdate());
}

export function requestBackgroundSync() {
  load('pwa').then((pwa) => pwa.requestBackgroundSync());
}
