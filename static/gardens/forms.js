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

  /* An input with data-product-of="id_a id_b" (the area) is filled with a × b as they are typed, until the owner
   * writes a value of their own into it. */
  function product() {
    document.querySelectorAll("input[data-product-of]").forEach(function (target) {
      var sources = target.getAttribute("data-product-of").split(" ").map(function (id) {
        return document.getElementById(id);
      });
      if (sources.some(function (s) { return !s; })) { return; }
      var own = target.value !== "" && target.value !== compute();
      function number(input) { return parseFloat(String(input.value).replace(",", ".")); }
      function compute() {
        var a = number(sources[0]), b = number(sources[1]);
        return isFinite(a) && isFinite(b) && a > 0 && b > 0 ? (Math.round(a * b * 100) / 100).toFixed(2) : "";
      }
      target.addEventListener("input", function () { own = target.value !== ""; });
      sources.forEach(function (source) {
        source.addEventListener("input", function () { if (!own) { target.value = compute(); } });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", product); } else { product(); }
})();
