// The authors list of the submission form (submissions/templates/submissions/form.html).
// "Add an author" copies the row template (the formset's empty form) with the next index; the
// arrows move a row up or down. After every change the rows are numbered and each row's hidden
// ORDER field gets its position, which is the order the server keeps. Without this script the
// rows keep the order they were shown in (adding a row needs the script).
(function () {
  "use strict";

  function renumber(list) {
    var rows = list.querySelectorAll("[data-author-row]");
    rows.forEach(function (row, index) {
      var number = row.querySelector("[data-author-number]");
      if (number) number.textContent = "#" + (index + 1);
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) order.value = index + 1;
    });
  }

  function setUp(group) {
    var list = group.querySelector("[data-author-list]");
    var template = group.querySelector("template[data-author-template]");
    var prefix = group.getAttribute("data-prefix");
    var total = group.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var add = group.querySelector("[data-add-author]");
    if (!list || !template || !total) return;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      list.appendChild(row);
      total.value = index + 1;
      renumber(list);
      var first = row.querySelector("input[type='text']");
      if (first) first.focus();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button) return;
      var row = button.closest("[data-author-row]");
      if (button.getAttribute("data-move") === "-1" && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.getAttribute("data-move") === "1" && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      renumber(list);
      button.focus();
    });
    list.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.slice(-7) === "-DELETE") {
        event.target.closest("[data-author-row]").classList.toggle("is-removed", event.target.checked);
      }
    });
    renumber(list);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-authors]").forEach(setUp);
  });
})();
