// Copy buttons of the clearance page and the Print button of the printable certificate.
// Without JavaScript the buttons stay hidden: the values can still be selected by hand.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  document.querySelectorAll(".copy-button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
        if (status) status.textContent = label.replace(/^Copy/, "Copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    var hint = document.querySelector(".print-hint");
    if (hint) hint.hidden = true;
    button.addEventListener("click", function () { window.print(); });
  });
})();
