// Progressive enhancement: move focus to the error summary so screen readers
// announce it first. Without JavaScript the summary is still the first thing
// in the form, with links to each field.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
