// Suggestions for a search box, as progressive enhancement: an input with data-autocomplete (the
// address of /api/v1/autocomplete/) and a list attribute fills its <datalist> with the names and
// titles that start with what was typed. Without JavaScript the box is a plain GET form.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var typed = input.value.trim();
      if (typed.length < 2 || typed === asked) return;
      timer = setTimeout(function () {
        asked = typed;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(typed), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (answer) {
            if (input.value.trim() !== typed) return;
            list.replaceChildren.apply(
              list,
              answer.results.map(function (result) {
                var option = document.createElement("option");
                option.value = result.name;
                return option;
              })
            );
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
