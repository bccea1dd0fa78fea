// Registration pages (attendance/templates/attendance/).
// 1. Conditional questions: an input with data-show-if="q_12" data-show-value="yes" belongs to a
//    question shown only when question 12's answer is (or, for a multiple choice, contains) that
//    value; for a checkbox the value is "yes" or "no". Its .form-field is hidden otherwise. The
//    server applies the same rule, so without this script every question is simply visible.
// 2. A form marked data-submit-once is sent once, however often its button is pressed.
(function () {
  "use strict";

  function controls(form, name) {
    // Fields are named "q_12" or, with a form prefix, "questions-q_12".
    return Array.prototype.filter.call(form.elements, function (element) {
      var own = element.name || "";
      return own === name || own.slice(-(name.length + 1)) === "-" + name;
    });
  }

  function answers(elements) {
    var values = [];
    elements.forEach(function (element) {
      if (element.type === "checkbox" && element.value === "on") {
        values.push(element.checked ? "yes" : "no");
      } else if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) values.push(element.value);
      } else if (element.value) {
        values.push(element.value.trim());
      }
    });
    return values;
  }

  function wrapper(element) {
    return element.closest(".form-field") || element;
  }

  function isHidden(element) {
    return wrapper(element).hidden;
  }

  function update(form) {
    // Conditions may chain (a question shown by a question that is itself conditional): repeat
    // until nothing changes.
    var dependants = form.querySelectorAll("[data-show-if]");
    for (var round = 0; round < 5; round += 1) {
      var changed = false;
      dependants.forEach(function (element) {
        var sources = controls(form, element.getAttribute("data-show-if"));
        var expected = (element.getAttribute("data-show-value") || "").trim();
        // A country is compared without regard to case, as the server does.
        var caseless = sources.length > 0 && sources[0].tagName === "SELECT";
        var shown = sources.length > 0 && !isHidden(sources[0]) && answers(sources).some(function (value) {
          return caseless ? value.toUpperCase() === expected.toUpperCase() : value === expected;
        });
        var box = wrapper(element);
        if (box.hidden === shown) {
          box.hidden = !shown;
          changed = true;
        }
      });
      if (!changed) break;
    }
  }

  function setUp() {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-if]")) return;
      update(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-submit-once")) return;
    if (form.getAttribute("data-submitted") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "true");
    // The pressed button's name and value (for example "Back") must still be sent: mark the
    // buttons busy without disabling them.
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      form.removeAttribute("data-submitted");
      form.querySelectorAll("button[aria-disabled]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
