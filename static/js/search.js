// Search pages work as plain GET forms. With JavaScript: a ticked filter or a new sort order applies
// at once, empty fields stay out of the address, and the filter panel starts closed on phones.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("form[data-search-form]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox], input[type=radio], select")) form.requestSubmit();
    });
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "" && field.name !== "q") field.disabled = true;
        if (field.name === "q" && field.value.trim() === "") field.disabled = true;
      });
    });
  });
  if (window.matchMedia("(max-width: 52rem)").matches) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (panel) {
      panel.open = false;
    });
  }
})();
