/* The check-in desk's service worker (scope {{ scope }}): a desk page reloaded while the network
 * is down opens from this device's copy, and goes on scanning against the list its tab kept.
 *
 * Only the desk page itself (its address without a query) and the files it loads (scripts,
 * styles, fonts, images of this site) are kept; never an answer of the desk's API, so no
 * attendee's data is stored here. The page is asked for on the network first and the copy is
 * used only when that fails; files are answered from the copy while it is refreshed. A new
 * version of this file empties the old copies. */
const CACHE = "flock-desk-{{ version }}";
const SCOPE = new URL("{{ scope }}", self.location).pathname;
const DESK_PAGE = new RegExp("^" + SCOPE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\d+/$");
const FILES = new Set(["script", "style", "font", "image"]);

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("flock-desk-") && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

const FILE_TYPES = /^(text\/css|text\/javascript|application\/javascript|application\/x-javascript|font\/|application\/font|application\/x-font|image\/)/;

function keepable(url, response) {
  return url.origin === self.location.origin && response.ok && !response.redirected && response.type === "basic";
}

// A file (script, style, font, image) of this site: never a page or an answer of the API.
async function keep(url, response) {
  if (!keepable(url, response) || !FILE_TYPES.test(response.headers.get("Content-Type") || "")) return;
  const cache = await caches.open(CACHE);
  await cache.put(url.href, response);
}

async function keepPage(url, response) {
  if (url.search || !DESK_PAGE.test(url.pathname) || !keepable(url, response)) return;
  const cache = await caches.open(CACHE);
  await cache.put(url.origin + url.pathname, response);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    await keepPage(url, response.clone());
    return response;
  } catch (error) {
    const copy = await caches.match(url.origin + url.pathname);
    if (copy) return copy;
    throw error;
  }
}

async function file(event) {
  const url = new URL(event.request.url);
  const copy = await caches.match(url.href);
  const fresh = fetch(event.request).then(async (response) => { await keep(url, response.clone()); return response; });
  if (copy) {
    event.waitUntil(fresh.catch(() => null));
    return copy;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (DESK_PAGE.test(new URL(request.url).pathname)) event.respondWith(page(request));
    return;
  }
  if (FILES.has(request.destination)) event.respondWith(file(event));
});

// The page names what it loaded before this worker controlled it: its address and its files.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    for (const address of data.urls.slice(0, 300)) {
      const url = new URL(String(address), self.location);
      if (url.origin !== self.location.origin) continue;
      const isPage = DESK_PAGE.test(url.pathname) && !url.search;
      if (await caches.match(isPage ? url.origin + url.pathname : url.href)) continue;
      try {
        const response = await fetch(url.href, { credentials: "same-origin" });
        await (isPage ? keepPage(url, response) : keep(url, response));
      } catch (error) { /* offline again: the next page load tries again */ }
    }
    if (event.source) event.source.postMessage({ type: "kept" });
  })());
});
