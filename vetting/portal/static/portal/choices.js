// A long checkbox list (countries) gets a filter box: typing narrows the list, and
// the chosen ones are listed above it. With nothing typed only the chosen show: every
// checkbox is a Tab stop, and 250 countries would be 250 presses of Tab to get past
// the list. Without JavaScript the whole list shows.
(function () {
  "use strict";
  function enhance(box) {
    var input = box.querySelector("[data-filter-input]");
    var chosen = box.querySelector("[data-chosen]");
    var items = Array.prototype.slice.call(box.querySelectorAll("[data-choice]"));
    var list = document.getElementById(input.getAttribute("aria-controls"));
    function showChosen() {
      var names = items
        .filter(function (item) { return item.querySelector("input").checked; })
        .map(function (item) { return item.querySelector("label").textContent; });
      chosen.textContent = names.length ? "Chosen: " + names.join(", ") : "Chosen: none yet";
    }
    function narrow() {
      var text = input.value.trim().toLowerCase();
      items.forEach(function (item) {
        item.hidden = text === ""
          ? !item.querySelector("input").checked
          : item.getAttribute("data-choice").indexOf(text) === -1;
      });
      if (list) { list.hidden = items.every(function (item) { return item.hidden; }); }
    }
    input.addEventListener("input", narrow);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // Enter narrows; it must not submit the form
        event.preventDefault();
        var first = items.filter(function (item) { return !item.hidden; })[0];
        if (first) { first.querySelector("input").focus(); }
      }
    });
    box.addEventListener("change", showChosen);
    showChosen();
    narrow();
  }
  document.querySelectorAll("[data-choice-filter]").forEach(enhance);
})();
