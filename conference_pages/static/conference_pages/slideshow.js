// The home page slideshow: previous/next and dot buttons, arrow keys, autoplay that pauses while
// the pointer is over it or the focus is inside it (until both have left) and with the pause
// button, and never starts for visitors who prefer reduced motion.
(function () {
  "use strict";

  function setUp(root) {
    var slides = Array.prototype.slice.call(root.querySelectorAll(".slide"));
    var dots = Array.prototype.slice.call(root.querySelectorAll("[data-slide-to]"));
    var pauseButton = root.querySelector("[data-slide-pause]");
    var interval = parseInt(root.getAttribute("data-interval"), 10) || 6000;
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var current = 0;
    var timer = null;
    var pausedByVisitor = reduceMotion;
    var hovered = false;
    var focused = false;

    if (slides.length < 2) {
      return;
    }

    function show(index) {
      current = (index + slides.length) % slides.length;
      slides.forEach(function (slide, position) {
        var isCurrent = position === current;
        slide.hidden = !isCurrent;
        slide.classList.toggle("is-current", isCurrent);
      });
      dots.forEach(function (dot, position) {
        if (position === current) {
          dot.setAttribute("aria-current", "true");
        } else {
          dot.removeAttribute("aria-current");
        }
      });
      root.setAttribute("data-current", String(current));
    }

    function stop() {
      if (timer) {
        window.clearInterval(timer);
        timer = null;
      }
    }

    function start() {
      stop();
      if (!pausedByVisitor && !hovered && !focused) {
        timer = window.setInterval(function () { show(current + 1); }, interval);
      }
    }

    function setPaused(paused) {
      pausedByVisitor = paused;
      if (pauseButton) {
        pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
        pauseButton.textContent = paused ? pauseButton.getAttribute("data-play-label") || "▶" : pauseButton.getAttribute("data-pause-label") || "❚❚";
      }
      start();
    }

    root.addEventListener("click", function (event) {
      if (event.target.closest("[data-slide-prev]")) { show(current - 1); start(); }
      else if (event.target.closest("[data-slide-next]")) { show(current + 1); start(); }
      else if (event.target.closest("[data-slide-to]")) {
        show(parseInt(event.target.closest("[data-slide-to]").getAttribute("data-slide-to"), 10));
        start();
      } else if (event.target.closest("[data-slide-pause]")) { setPaused(!pausedByVisitor); }
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(current - 1); start(); }
      if (event.key === "ArrowRight") { show(current + 1); start(); }
    });
    root.addEventListener("mouseenter", function () { hovered = true; stop(); });
    root.addEventListener("mouseleave", function () { hovered = false; start(); });
    root.addEventListener("focusin", function () { focused = true; stop(); });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) { focused = false; start(); }
    });

    if (pauseButton) {
      pauseButton.setAttribute("data-pause-label", pauseButton.textContent);
      pauseButton.setAttribute("data-play-label", pauseButton.getAttribute("data-play") || "▶");
    }
    root.classList.add("is-enhanced");
    show(0);
    setPaused(pausedByVisitor);
  }

  document.querySelectorAll("[data-slideshow]").forEach(setUp);
})();
