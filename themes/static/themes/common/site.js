// Menus of the conference sites: the phone menu button and the drop-down toggles.
(function () {
  "use strict";

  function setExpanded(button, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target) {
      target.classList.toggle("is-open", expanded);
    }
  }

  function closeAll(except) {
    document.querySelectorAll("[data-submenu-toggle]").forEach(function (button) {
      if (button !== except) {
        setExpanded(button, false);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var navToggle = event.target.closest("[data-nav-toggle]");
    if (navToggle) {
      setExpanded(navToggle, navToggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    var submenuToggle = event.target.closest("[data-submenu-toggle]");
    if (submenuToggle) {
      var open = submenuToggle.getAttribute("aria-expanded") !== "true";
      closeAll(submenuToggle);
      setExpanded(submenuToggle, open);
      return;
    }
    if (!event.target.closest("[data-site-nav]")) {
      closeAll(null);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("[data-submenu-toggle][aria-expanded='true']");
      closeAll(null);
      if (open) {
        open.focus();
      }
    }
  });
})();
