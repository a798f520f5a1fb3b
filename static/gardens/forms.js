/* GOV.UK-style error summary: it takes the focus when the page loads, and its links move the focus to the field
 * they name (a fragment link alone only scrolls). A static file: no inline script under the CSP. */
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.scrollIntoView({block: "center"});
      target.focus({preventScroll: true});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
