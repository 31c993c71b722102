//# allFunctionsCalledOnLoad
// (Compiled whole as it loads, not on a save's first call: see scripts/build.sh.)
// The page's side of the offline app: registers the service worker (release builds), tells
// when a new version waits, and keeps the outbox flowing (start, online, back to the app,
// every 30 s while something waits, Background Sync where the browser has it).
import * as outbox from '/outbox.js';

/** The server's contract, fetched the first time a change leaves (most starts send nothing). */
export const contract = () => import('/contract.js').then((m) => m.CONTRACT);

const RETRY_MS = 30_000;
let registration = null;

/** Registers /sw.js; calls `onUpdate()` when a new version is installed and waiting, and
 *  `onReadyOffline()` once a first installation has kept everything the app needs offline. */
export async function registerWorker(onUpdate, onReadyOffline) {
  if (!('serviceWorker' in navigator)) return;
  const firstInstallation = !navigator.serviceWorker.controller;
  registration = await navigator.serviceWorker.register('/sw.js', {
    type: 'module',
    scope: '/',
    updateViaCache: 'none',
  });
  const waiting = () => registration.waiting && navigator.serviceWorker.controller && onUpdate();
  // A new version may be waiting already, being installed now, or found later.
  const follow = (worker) => worker?.addEventListener('statechange', () => {
    if (worker.state === 'installed') waiting();
  });
  waiting();
  // `ready`: a worker is active, so its installation (the precache) is complete.
  if (firstInstallation) navigator.serviceWorker.ready.then(() => onReadyOffline());
  follow(registration.installing);
  registration.addEventListener('updatefound', () => follow(registration.installing));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') registration.update().catch(() => {});
  });
}

/** Switches to the waiting version and reloads the page on it. */
export function activateUpdate() {
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  registration?.waiting?.postMessage('skipWaiting');
}

/** Asks the browser to send the outbox when the connection returns, even with the app closed. */
export async function requestBackgroundSync() {
  try {
    const ready = await navigator.serviceWorker?.ready;
    await ready?.sync?.register('conum-outbox');
  } catch {
    // No Background Sync here: the page's own triggers remain.
  }
}

let started = false;

/** Sends the outbox now and whenever there is a chance it goes through. */
export function startSending() {
  if (started) return;
  started = true;
  // Copies an earlier version kept in localStorage, tagged with nobody: not to be shown.
  for (const key of ['conum.profil', 'conum.dernier', 'conum.historique', 'conum.statistiques', 'conum.communes.recentes']) {
    localStorage.removeItem(key);
  }
  const send = () => outbox.flush(contract).catch(() => {});
  send();
  addEventListener('online', send);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') send();
  });
  setInterval(async () => {
    if ((await outbox.all()).length > 0) send();
  }, RETRY_MS);
}
