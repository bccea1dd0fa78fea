// Menus of the conference sites: the phone menu button and the submenu toggles.
// A toggle's aria-controls names the list it opens; the list gets the class "is-open".
// Drop-downs close when another one opens, on a click elsewhere and on Escape. The lists of a
// menu marked data-nav-inline (such as the side menu) open in place and stay open until their
// own toggle closes them.
(function () {
  "use strict";

  function setExpanded(button, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target) {
      target.classList.toggle("is-open", expanded);
    }
  }

  function isInline(button) {
    return button.closest("[data-nav-inline]") !== null;
  }

  function closeDropDowns(except) {
    document.querySelectorAll("[data-submenu-toggle]").forEach(function (button) {
      if (button !== except && !isInline(button)) {
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
      if (!isInline(submenuToggle)) {
        closeDropDowns(submenuToggle);
      }
      setExpanded(submenuToggle, open);
      return;
    }
    if (!event.target.closest("[data-site-nav]")) {
      closeDropDowns(null);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("[data-submenu-toggle][aria-expanded='true']:not([data-nav-inline] *)");
      closeDropDowns(null);
      if (open) {
        open.focus();
      }
    }
  });
})();
