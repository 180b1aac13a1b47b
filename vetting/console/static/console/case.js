// Keyboard shortcuts of the reviewer's case page (templates/console/case/queue_nav.html):
// j or n: next in queue, k or p: previous, d: the decision form, ?: the shortcut help
// (Escape closes it).
// They follow the page's own "Previous / Next in queue" links, so a key goes nowhere a
// link does not, and they do nothing while the reader types in a field.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable], [contenteditable=''], [contenteditable='true']"));
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  function toggleHelp() {
    var help = document.getElementById("shortcut-help");
    if (!help) return;
    help.open = !help.open;
    if (help.open) help.querySelector("summary").focus();
  }

  function toDecision() {
    var panel = document.getElementById("decision-panel");
    if (!panel) return;
    // The form's first field; without a form (not the reader's to decide), the panel.
    var field = panel.querySelector("#decision-form textarea, #decision-form input:not([type=hidden])");
    if (!field) {
      panel.setAttribute("tabindex", "-1");
      field = panel;
    }
    panel.scrollIntoView({ block: "start" });
    if (field) field.focus();
  }

  var ACTIONS = {
    j: function () { follow("a[data-shortcut=next]"); },
    n: function () { follow("a[data-shortcut=next]"); },
    k: function () { follow("a[data-shortcut=previous]"); },
    p: function () { follow("a[data-shortcut=previous]"); },
    d: toDecision,
    "?": toggleHelp,
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var help = document.getElementById("shortcut-help");
    if (event.key === "Escape" && help && help.open) {
      help.open = false;
      return;
    }
    var action = ACTIONS[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
