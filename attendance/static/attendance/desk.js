/* The check-in desk (attendance/desk.html): scans from a handheld scanner (it types the code and
 * presses Enter), the device's camera (BarcodeDetector where the browser has it, else jsQR), and
 * search. Online, every scan goes to the server, which says what happened. Offline, the desk
 * scans against the list it downloaded, queues each scan with its own id, and sends the queue
 * when the network returns: the server counts a scan once however often it arrives. The queue
 * survives a reload (localStorage); the list of everyone's codes stays in this tab only
 * (sessionStorage), so it does not outlive the desk's session on a shared computer. A service
 * worker (attendance/desk/worker.js) keeps the page and its files, so a reload while offline
 * still opens the desk. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("desk-config").textContent);
  const T = config.text;
  const key = "flock-desk-" + config.conference;
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector("#flock-desk [name=csrfmiddlewaretoken]").value;
  const TOKEN = /(?:^|\/c\/)([0-9a-z]{1,12}\.[a-z2-7]{24})\/?$/i;
  let people = new Map(); // token -> person, for scanning offline
  let queue = JSON.parse(localStorage.getItem(key + "-queue") || "[]");

  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, name) => values[name] ?? "");
  const tokenOf = (text) => { const match = TOKEN.exec(String(text).trim()); return match ? match[1].toLowerCase() : null; };
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  const clock = (iso) => new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: config.timeZone }).format(new Date(iso));
  const deskName = () => $("desk-name").value.trim();
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => { if (name === "onclick") node.onclick = value; else node.setAttribute(name, value); });
    children.flat(Infinity).forEach((child) => child != null && node.append(child));
    return node;
  }

  async function api(name, { method = "GET", body, params } = {}) {
    const url = config.api[name] + (params ? "?" + new URLSearchParams(params) : "");
    const response = await fetch(url, {
      method, credentials: "same-origin", body: body && JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json", "Accept-Language": document.documentElement.lang || "zh-hans" },
    });
    if (response.status >= 500) throw new Error("server " + response.status);
    setOnline(true);
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) {
      // Not the API's answer: a log-in page, or a refusal of this page's old security token
      // (the page came from this device's copy after the person logged in again).
      return { status: response.status || 400, data: { error: T.reload } };
    }
    return { status: response.status, data: await response.json() };
  }

  function setOnline(online) {
    const badge = $("desk-network");
    badge.dataset.state = online ? "online" : "offline";
    badge.textContent = online ? T.online : T.offline;
  }
  function saveQueue() {
    localStorage.setItem(key + "-queue", JSON.stringify(queue));
    $("desk-queue").textContent = queue.length ? fill(T.queue, { count: queue.length }) : "";
  }
  function remember(data) {
    if (!data.person) return;
    const entry = people.get((data.person.token || "").toLowerCase()) || [...people.values()].find((p) => p.id === data.person.id);
    const merged = Object.assign(entry || {}, data.person);
    if (data.check_in !== undefined) merged.check_in = data.check_in;
    if (merged.token) people.set(merged.token.toLowerCase(), merged);
    return merged;
  }

  function show(data, extra) {
    const card = $("desk-card");
    const known = data.person ? remember(data) || data.person : null;
    const person = known && (people.get((known.token || "").toLowerCase()) || known);
    let message = T[data.status] || data.error || T.error;
    const at = data.check_in || (person && person.check_in);
    if ((data.status === "already" || data.status === "found") && at) message = fill(at.desk ? T.already : T.already_no_desk, { time: clock(at.at), desk: at.desk });
    const banner = el("p", { class: "flock-desk-banner", "data-status": data.status }, message);
    card.replaceChildren(banner);
    if (extra) card.append(el("p", { class: "flock-desk-note" }, extra));
    if (!person) return;
    const payment = { paid: T.paid, free: T.free, unpaid: T.unpaid_label }[person.payment] || "";
    const rows = [[null, person.type], [null, person.affiliation], [null, payment + (person.payment === "unpaid" ? " · " + person.amount : "")]];
    if (person.hotel) rows.push([T.hotel, person.hotel]);
    if (person.tours && person.tours.length) rows.push([T.tours, person.tours.join(" · ")]);
    if (person.due && person.due.length) rows.push([T.due, person.due.join("; ")]);
    card.append(
      el("h2", { class: "flock-desk-person" }, person.name_zh || person.name, person.name_latin && person.name_zh ? el("span", { class: "flock-desk-latin" }, person.name_latin) : null),
      el("p", { class: "flock-desk-code" }, person.code),
      el("dl", { class: "flock-desk-details" }, rows.filter(([, value]) => value).map(([label, value]) => [label ? el("dt", {}, label) : null, el("dd", {}, value)])),
    );
    const actions = el("div", { class: "flock-desk-actions" });
    const owes = (person.payment === "unpaid" && person.state === "awaiting_payment") || (person.valid && person.due && person.due.length);
    if (owes) actions.append(el("button", { class: "button", type: "button", onclick: () => pay(person) }, T.pay));
    if (!at && person.valid && data.status !== "checked_in") actions.append(el("button", { class: "button", type: "button", onclick: () => submit(person.token) }, T.check_in));
    if (at && at.id) actions.append(el("button", { class: "button button-secondary no", type: "button", onclick: () => undo(person, at.id) }, T.undo));
    card.append(actions);
  }

  async function submit(text) {
    const scanId = newId();
    const desk = deskName();
    try {
      const { status, data } = await api("scan", { method: "POST", body: { token: String(text), desk, scan_id: scanId } });
      show(status === 200 ? data : { status: "error", error: data.error });
      if (status === 200 && data.status === "checked_in") refreshCounts();
    } catch (error) {
      setOnline(false);
      scanOffline(text, scanId, desk);
    }
    $("desk-code").focus();
  }

  function scanOffline(text, scanId, desk) {
    const token = tokenOf(text);
    const person = token && people.get(token);
    if (!person) return show({ status: "not_a_code" });
    if (person.check_in) return show({ status: "already", person });
    if (!person.valid) return show({ status: person.state === "awaiting_payment" ? "unpaid" : "not_valid", person });
    const now = new Date().toISOString();
    queue.push({ scan_id: scanId, token, at: now });
    saveQueue();
    person.check_in = { id: null, at: now, desk };
    show({ status: "checked_in", person }, T.queued);
  }

  async function flush() {
    if (!queue.length) return;
    const batch = queue.slice(0, 200);
    try {
      const { status, data } = await api("sync", { method: "POST", body: { desk: deskName(), scans: batch } });
      if (status !== 200) { $("desk-queue").textContent = fill(T.queue, { count: queue.length }) + " · " + (data.error || T.error); return; }
      const sent = new Set(data.results.map((result) => result.scan_id));
      queue = queue.filter((item) => !sent.has(item.scan_id));
      saveQueue();
      data.results.forEach(remember);
      refreshCounts();
    } catch (error) {
      setOnline(false);
    }
  }

  async function undo(person, id) {
    try {
      const { status, data } = await api("undo", { method: "POST", body: { check_in: id } });
      if (status !== 200) return show({ status: "error", error: data.error });
      person.check_in = null;
      show({ status: "undone", person });
      refreshCounts();
    } catch (error) { show({ status: "error" }); }
  }

  async function pay(person) {
    try {
      // What the card showed: the server takes the money only if that is still what is owed.
      const owed = [person.owed_fee, ...(person.owed || [])].filter(Boolean);
      const { status, data } = await api("pay", { method: "POST", body: { registration: person.id, owed } });
      if (status === 409 && data.person) return show({ status: "owed_changed", error: data.error, person: data.person });
      if (status !== 200) return show({ status: "error", error: data.error, person });
      show({ status: "paid_now", person: data.person });
    } catch (error) { show({ status: "error" }); }
  }

  async function loadList() {
    try {
      const { status, data } = await api("people");
      if (status !== 200) return;
      sessionStorage.setItem(key + "-people", JSON.stringify({ at: new Date().toISOString(), people: data.people }));
      useList(data.people, new Date().toISOString());
    } catch (error) {
      setOnline(false);
      const stored = JSON.parse(sessionStorage.getItem(key + "-people") || "null");
      if (stored) useList(stored.people, stored.at);
    }
  }
  function useList(list, at) {
    const queued = new Set(queue.map((item) => item.token));
    people = new Map(list.map((person) => [person.token.toLowerCase(), person]));
    people.forEach((person, token) => { if (queued.has(token) && !person.check_in) person.check_in = { id: null, at, desk: deskName() }; });
    $("desk-list").textContent = fill(T.list_ready, { count: list.length, time: clock(at) });
  }

  function showCounts(data) {
    $("desk-total").textContent = `${data.checked_in} / ${data.registered}`;
    $("desk-counts").tBodies[0].replaceChildren(...data.types.map((row) => el("tr", {}, el("td", {}, row.type), el("td", {}, String(row.checked_in)), el("td", {}, String(row.registered)))));
  }
  async function refreshCounts() {
    try {
      const { status, data } = await api("counts");
      if (status !== 200) return;
      sessionStorage.setItem(key + "-counts", JSON.stringify(data));
      showCounts(data);
    } catch (error) {
      setOnline(false);
      const stored = JSON.parse(sessionStorage.getItem(key + "-counts") || "null");  // the last counts seen
      if (stored && !$("desk-total").textContent) showCounts(stored);
    }
  }

  let searchTimer = null;
  async function search(query) {
    const results = $("desk-results");
    if (query.trim().length < 2) return results.replaceChildren();
    let found;
    try {
      found = (await api("search", { params: { q: query } })).data.results || [];
    } catch (error) {
      setOnline(false);
      const words = query.trim().toLowerCase();
      found = [...people.values()].filter((p) => [p.name, p.name_zh, p.name_latin, p.code, p.affiliation].join(" ").toLowerCase().includes(words)).slice(0, 20);
    }
    results.replaceChildren(...(found.length ? found.map((person) => el("li", {},
      el("button", { type: "button", class: "flock-desk-result", onclick: () => { remember({ person }); show({ status: "found", person }); } },
        el("strong", {}, person.name), " ", person.code, " · ", person.type, person.check_in ? " ✓" : ""))) : [el("li", {}, T.no_results)]));
  }

  // The camera: BarcodeDetector where the browser has it, else jsQR on frames drawn to a canvas.
  let stream = null, lastCode = "", lastAt = 0;
  function decodeImageData(imageData) {
    const found = window.jsQR ? window.jsQR(imageData.data, imageData.width, imageData.height, { inversionAttempts: "dontInvert" }) : null;
    return found ? found.data : null;
  }
  async function camera() {
    if (stream) { stream.getTracks().forEach((track) => track.stop()); stream = null; $("desk-video").hidden = true; return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) { return show({ status: "camera_off" }); }
    const video = $("desk-video");
    video.srcObject = stream; video.hidden = false; await video.play();
    const detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    const canvas = $("desk-canvas"), context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = async () => {
      if (!stream) return;
      let code = null;
      if (video.readyState >= 2) {
        if (detector) {
          const codes = await detector.detect(video).catch(() => []);
          code = codes.length ? codes[0].rawValue : null;
        } else {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0);
          code = decodeImageData(context.getImageData(0, 0, canvas.width, canvas.height));
        }
      }
      if (code && (code !== lastCode || Date.now() - lastAt > 3000)) { lastCode = code; lastAt = Date.now(); submit(code); }
      requestAnimationFrame(tick);
    };
    tick();
  }

  $("desk-scan").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("desk-code");
    if (input.value.trim()) submit(input.value.trim());
    input.value = "";
  });
  $("desk-search").addEventListener("submit", (event) => { event.preventDefault(); search($("desk-query").value); });
  $("desk-query").addEventListener("input", (event) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => search(event.target.value), 250); });
  $("desk-camera").addEventListener("click", camera);
  $("desk-name").value = localStorage.getItem("flock-desk-name") || "";
  $("desk-name").addEventListener("change", () => localStorage.setItem("flock-desk-name", deskName()));
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  setInterval(refreshCounts, 15000);
  setInterval(loadList, 120000);
  saveQueue();
  loadList().then(flush);
  refreshCounts();
  if (config.code) {
    api("lookup", { params: { token: config.code } }).then(({ data }) => show(data)).catch(() => scanOffline(config.code, newId(), deskName()));
  }
  // The service worker keeps this page and its files, so that a reload while offline still opens
  // the desk; it is told what the page loaded before it was in control.
  if ("serviceWorker" in navigator && config.worker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "kept") $("desk-network").dataset.kept = "true";
    });
    navigator.serviceWorker.register(config.worker, { scope: config.workerScope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const files = performance.getEntriesByType("resource").filter((entry) => ["script", "link", "css", "img"].includes(entry.initiatorType));
        registration.active.postMessage({ type: "keep", urls: [location.pathname, ...files.map((entry) => entry.name)] });
      })
      .catch(() => {});
  }
  window.flockDesk = { decodeImageData, submit, flush, queueLength: () => queue.length };
})();
