/* On the admin's log-in page (after logging out, or when a session ended), the copies that the
 * check-in desk's service worker kept (attendance/desk/worker.js) are deleted: the desk page
 * carries the last person's name in its menu. The desk's queue of unsent scans is kept. */
document.addEventListener("DOMContentLoaded", () => {
  if (!document.body.classList.contains("login") || !window.caches) return;
  caches.keys().then((names) => names.filter((name) => name.startsWith("flock-desk-")).forEach((name) => caches.delete(name)));
});
