/* The import job page (templates/office/import_job.html): poll the job's state and reload when it is finished. */
(function () {
  "use strict";
  var box = document.getElementById("job-progress"), bar = document.getElementById("progress-bar"),
      text = document.getElementById("progress-text");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.total) { bar.max = s.total; }
      bar.value = s.processed; text.textContent = s.processed + " / " + s.total;
      if (s.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
