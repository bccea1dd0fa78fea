// The zip's progress page: asks the status address every two seconds until the zip is ready or
// has failed, and updates the bar, the count and the download button.
(function () {
  "use strict";
  var box = document.querySelector("[data-archive-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent + "%";
    box.querySelector("[data-archive-label]").textContent = status.label;
    box.querySelector("[data-archive-done]").textContent = status.done;
    box.setAttribute("data-state", status.state);
    var error = box.querySelector("[data-archive-error]");
    error.textContent = status.error;
    error.hidden = !status.error;
    box.querySelector("[data-archive-download]").hidden = status.state !== "ready";
  }
  function poll() {
    var state = box.getAttribute("data-state");
    if (state === "ready" || state === "failed") return;
    fetch(box.getAttribute("data-archive-status"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) { if (status) show(status); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
