// The service worker of the phone app, served from /lapangan/sw.js with the scope /lapangan/.
//
// Network first for the app shell (the /lapangan/ page) and its data (data.json): fresh when there is a
// signal, the last good copy when there is none. Stale-while-revalidate for CSS, JS, the manifest and the
// icons. Only real answers are kept: never a redirect to the login page, never an error page. The API
// (the sync itself) is never cached: it goes to the network or fails, and the queue in IndexedDB waits.
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { CACHE_NAME, SHELL_HEADER } from './shared.js';

self.skipWaiting();
clientsClaim();

const scope = new URL(self.registration.scope).pathname; // "/lapangan/"
const matchOptions = { ignoreVary: true, ignoreSearch: true };

const realAnswer = {
  cacheWillUpdate: async ({ response }) => (response && response.status === 200 && !response.redirected ? response : null),
};
const shellOnly = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected && response.headers.get(SHELL_HEADER) === '1' ? response : null,
};

registerRoute(
  ({ request, url }) => request.mode === 'navigate' && url.origin === self.location.origin && url.pathname === scope,
  new NetworkFirst({ cacheName: CACHE_NAME, networkTimeoutSeconds: 6, plugins: [shellOnly], matchOptions }),
);

registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname === `${scope}data.json`,
  new NetworkFirst({ cacheName: CACHE_NAME, networkTimeoutSeconds: 8, plugins: [realAnswer], matchOptions }),
);

registerRoute(
  ({ request, url }) =>
    request.method === 'GET' &&
    url.origin === self.location.origin &&
    (url.pathname.startsWith('/static/') || url.pathname.endsWith('.webmanifest') || /\/ikon-\d+\.png$/.test(url.pathname)),
  new StaleWhileRevalidate({ cacheName: CACHE_NAME, plugins: [realAnswer], matchOptions: { ignoreVary: true } }),
);

self.addEventListener('activate', (event) => {
  // Caches of older versions of the app go; the current one stays.
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((key) => key.startsWith('sentra-lapangan-') && key !== CACHE_NAME).map((key) => caches.delete(key)))),
  );
});
