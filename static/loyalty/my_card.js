/* My card: fetch the next signed token (QR code) and its 6-digit code before the current one runs out, without
   reloading the page. A page left open for a day still shows a live code. */
(function () {
  "use strict";
  var box = document.getElementById("ms-live");
  if (!box) return;
  var qr = box.querySelector(".ms-qr"), code = document.getElementById("ms-code");
  var failures = 0;

  function schedule() {
    var refreshAt = parseInt(box.dataset.refreshAt, 10) * 1000;
    var wait = Math.max(1000, refreshAt - Date.now());
    if (failures) wait = Math.min(30000, 2000 * failures);
    setTimeout(refresh, wait);
  }

  function refresh() {
    fetch(box.dataset.codeUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (body) {
        failures = 0;
        var svg = new DOMParser().parseFromString(body.svg, "image/svg+xml").documentElement;
        qr.replaceChildren(document.importNode(svg, true));
        code.textContent = body.code;
        box.dataset.refreshAt = body.refresh_at;
        box.dataset.expiresAt = body.expires_at;
        box.dataset.issuedAt = body.issued_at;
      })
      .catch(function () { failures += 1; })
      .finally(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && Date.now() / 1000 >= parseInt(box.dataset.refreshAt, 10)) refresh();
  });
  schedule();
})();
