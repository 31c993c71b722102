// Conum's service worker (a module worker, scope /). Registered by release builds only.
//
// - Install: precaches the pages the app opens on and every file they need, listed with the
//   deployment's version by the server in /precache-manifest.js (so a new bundle is a new
//   worker, and the page offers to reload).
// - Navigations: network first, given ~3 s, then the cached page of the same route. The
//   server renders each logged-in page's frame before the profile is known (the same for
//   every conseiller; what is personal loads in the browser), except the history's first
//   page, painted for the session's conseiller into a page marked no-store, never kept here.
// - Files: cache first. /api/ is never cached.
// - Only Conum's own answers are kept or shown for a route: its server marks every response
//   (`X-Conum: 1`); a captive portal answering every address "200 OK" with its own page has
//   no mark, so it is neither stored nor put in place of a page the phone keeps.
// - Background Sync: sends the outbox when the connection returns, page open or not.
// The worker imports no other generated module: one more in its graph and Chromium could no
// longer start a new version of it ("ServiceWorker cannot be started"), so the outbox's
// contract comes in the manifest.
import { VERSION, PAGES, FILES, CONTRACT } from '/precache-manifest.js';
import * as outbox from '/outbox.js';

const CACHE = `conum-${VERSION}`;
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Pages without the cookie: the server then renders the frame every conseiller shares,
    // never a page painted with someone's records.
    const pages = PAGES.map((url) => new Request(url, { cache: 'reload', credentials: 'omit' }));
    const files = FILES.map((url) => new Request(url, { cache: 'reload' }));
    // Behind a portal the installation fails (and is tried again later) rather than keep
    // the portal's page as Conum's.
    await Promise.all([...pages, ...files].map(async (request) => {
      const response = await fetch(request);
      if (!ours(response)) throw new Error(`not Conum's answer: ${request.url}`);
      await cache.put(request, response);
    }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('conum-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'conum-outbox') event.waitUntil(sendOutbox());
});

// Fails while sendable changes remain, so that the browser tries again later.
async function sendOutbox() {
  const status = await outbox.flush(CONTRACT);
  const sendable = status.ops.filter((op) => !op.error).length;
  if (status.owner && sendable > 0) throw new Error(`${sendable} changes still waiting`);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONTRACT.API_PREFIX)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request, url));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function navigation(request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (!marked(response)) {
      // Not Conum's server (a portal): the kept page if there is one; a phone that keeps
      // none yet sees the portal's page, the only way through it.
      return (await keptPage(cache, url)) ?? response;
    }
    if (response.ok && PAGES.includes(url.pathname) && !personal(response)) {
      cache.put(url.pathname, response.clone());
    }
    return response;
  } catch {
    return (await keptPage(cache, url)) ?? offlinePage();
  }
}

async function keptPage(cache, url) {
  return (await cache.match(url.pathname)) ?? (await cache.match(cachedPage(url.pathname)));
}

// Conum's server marks every answer it makes, errors included.
function marked(response) {
  return response.headers.get('x-conum') === '1';
}

// A successful answer of Conum's own: the only kind kept.
function ours(response) {
  return response.ok && marked(response);
}

// A page the server painted with the conseiller's own records (the history) is marked
// no-store: the phone may be shared, so only the frames every conseiller shares are kept.
function personal(response) {
  return /no-store/i.test(response.headers.get('cache-control') ?? '');
}

// The kept page a route opens from offline. Each page is rendered with its own frame (the
// start page with its form), so it must be the same route's: a record's pages share the
// one of the record "_"; anything else opens the start page.
function cachedPage(pathname) {
  const record = /^\/accompagnements\/[^/]+(\/modifier|\/dupliquer)?$/.exec(pathname);
  if (record) return `/accompagnements/_${record[1] ?? ''}`;
  if (pathname.startsWith('/connexion') || pathname.startsWith('/inscription')) return pathname;
  return '/';
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (ours(response)) cache.put(request, response.clone());
  return response;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

function offlinePage() {
  return new Response(
    '<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>Conum — hors ligne</title>'
      + '<p>Conum n\'est pas encore disponible hors ligne sur cet appareil : ouvrez-le une fois avec une connexion.</p></html>',
    { headers: { 'content-type': 'text/html; charset=utf-8' }, status: 503 },
  );
}
