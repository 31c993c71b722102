// Conum's service worker (a module worker, scope /). Registered by release builds only.
//
// - Install: precaches the pages the app opens on and every file they need, listed with the
//   deployment's version by the server in /precache-manifest.js (so a new bundle is a new
//   worker, and the page offers to reload).
// - Navigations: network first, given ~3 s, then the cached page. Logged-in pages are all
//   rendered alike by the server (the profile loads in the browser), so the cached "/" stands
//   in for any of them.
// - Files: cache first. /api/ is never cached.
// - Background Sync: sends the outbox when the connection returns, page open or not.
import { VERSION, PAGES, FILES } from '/precache-manifest.js';
import * as outbox from '/outbox.js';

const CACHE = `conum-${VERSION}`;
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([...PAGES, ...FILES].map((url) => new Request(url, { cache: 'reload' })));
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
  const status = await outbox.flush();
  const sendable = status.ops.filter((op) => !op.error).length;
  if (status.owner && sendable > 0) throw new Error(`${sendable} changes still waiting`);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
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
    if (response.ok && PAGES.includes(url.pathname)) cache.put(url.pathname, response.clone());
    return response;
  } catch {
    const shellPage = url.pathname.startsWith('/connexion') || url.pathname.startsWith('/inscription')
      ? url.pathname
      : '/';
    return (await cache.match(url.pathname)) ?? (await cache.match(shellPage)) ?? offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
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
