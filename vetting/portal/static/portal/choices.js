// A long checkbox list (countries) gets a filter box: typing narrows the list, and
// the chosen ones are listed above it. Without JavaScript the whole list shows.
(function () {
  "use strict";
  function enhance(box) {
    var input = box.querySelector("[data-filter-input]");
    var chosen = box.querySelector("[data-chosen]");
    var items = Array.prototype.slice.call(box.querySelectorAll("[data-choice]"));
    function showChosen() {
      var names = items
        .filter(function (item) { return item.querySelector("input").checked; })
        .map(function (item) { return item.querySelector("label").textContent; });
      chosen.textContent = names.length ? "Chosen: " + names.join(", ") : "Chosen: none yet";
    }
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      items.forEach(function (item) {
        item.hidden = text !== "" && item.getAttribute("data-choice").indexOf(text) === -1;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // Enter narrows; it must not submit the form
        event.preventDefault();
        var first = items.filter(function (item) { return !item.hidden; })[0];
        if (first) { first.querySelector("input").focus(); }
      }
    });
    box.addEventListener("change", showChosen);
    showChosen();
  }
  document.querySelectorAll("[data-choice-filter]").forEach(enhance);
})();
