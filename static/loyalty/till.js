/* The Moja Starówka till (templates/loyalty/till.html): camera scanning (jsQR), checks through the API, and an
   offline mode — QR tokens verified on the phone with the centre's Ed25519 public keys (WebCrypto) and the
   revocation list, queued in IndexedDB with a client id and uploaded once the network is back.
   No inline script: the page's CSP allows only static files. */
(function () {
  "use strict";
  var root = document.getElementById("till");
  if (!root) return;
  var form = document.getElementById("till-form");
  var result = document.getElementById("till-result");
  var shift = document.getElementById("till-shift");
  var network = document.getElementById("till-network");
  var T = document.getElementById("till-texts").dataset;
  var perks = JSON.parse(document.getElementById("till-perks").textContent);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var STORE_KEYS = "ms-till-keys", STORE_REVOKED = "ms-till-revoked:" + root.dataset.centre;

  function field(name) { return form.elements[name]; }
  function partnerId() { return parseInt(field("partner").value, 10); }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function localDay(date) {
    var d = date || new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  /* --- IndexedDB: the queue of offline checks and the uses this device has seen ---------------------------- */
  var dbPromise = new Promise(function (resolve, reject) {
    var req = indexedDB.open("moja-starowka-till", 1);
    req.onupgradeneeded = function () {
      req.result.createObjectStore("queue", { keyPath: "client_id" });
      req.result.createObjectStore("uses", { keyPath: "id" });
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
  function tx(store, mode, fn) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), out = fn(t.objectStore(store));
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }

  /* --- Keys and the revocation list (kept for offline checks) ---------------------------------------------- */
  function b64(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function refreshKeys() {
    return fetch(root.dataset.keysUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("keys"); return r.json(); })
      .then(function (body) { localStorage.setItem(STORE_KEYS, JSON.stringify(body)); });
  }
  function refreshRevocations() {
    var copy = JSON.parse(localStorage.getItem(STORE_REVOKED) || '{"cursor":0,"status":{}}');
    var url = root.dataset.revocationsUrl + "?partner=" + partnerId() + "&since=" + copy.cursor;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("revocations"); return r.json(); })
      .then(function (body) {
        body.changes.forEach(function (c) { copy.status[c.card] = c.status; });
        copy.cursor = body.cursor;
        localStorage.setItem(STORE_REVOKED, JSON.stringify(copy));
        if (body.more) return refreshRevocations();
      });
  }

  function verifyOffline(token) {
    var parts = token.split(".");
    var keys = JSON.parse(localStorage.getItem(STORE_KEYS) || '{"keys":[]}');
    var fail = function (why) { return Promise.resolve({ ok: false, why: why }); };
    if (parts.length !== 4 || parts[0] !== "MS1") return fail("invalid");
    var key = keys.keys.filter(function (k) { return k.kid === parts[1]; })[0];
    if (!key || !crypto.subtle) return fail("invalid");
    var claims;
    try { claims = JSON.parse(new TextDecoder().decode(b64(parts[2]))); } catch (e) { return fail("invalid"); }
    return crypto.subtle.importKey("raw", b64(key.public_key), { name: "Ed25519" }, false, ["verify"])
      .then(function (k) {
        return crypto.subtle.verify({ name: "Ed25519" }, k, b64(parts[3]),
                                    new TextEncoder().encode(parts[0] + "." + parts[1] + "." + parts[2]));
      })
      .then(function (genuine) {
        var now = Date.now() / 1000;
        if (!genuine) return { ok: false, why: "invalid" };
        if (key.retired_at && claims.i > Date.parse(key.retired_at) / 1000) return { ok: false, why: "invalid" };
        if (now > claims.e) return { ok: false, why: "expired", claims: claims };
        var revoked = JSON.parse(localStorage.getItem(STORE_REVOKED) || '{"status":{}}').status[claims.c];
        if (revoked && revoked !== "active") return { ok: false, why: "blocked", claims: claims };
        if (claims.vu && localDay() > claims.vu) return { ok: false, why: "card-expired", claims: claims };
        return { ok: true, claims: claims };
      }, function () { return { ok: false, why: "invalid" }; });
  }

  function perkRefusalOffline(perk, card) {
    if (!perk) return Promise.resolve("");
    var weekday = (new Date().getDay() + 6) % 7;
    if (!(perk.weekdays & (1 << weekday))) return Promise.resolve("today");
    return all("uses").then(function (uses) {
      var day = localDay(), month = day.slice(0, 7);
      var mine = uses.filter(function (u) { return u.card === card && u.perk === perk.id; });
      var today = mine.filter(function (u) { return u.day === day; }).length;
      var inMonth = mine.filter(function (u) { return u.day.slice(0, 7) === month; }).length;
      if (perk.daily && today >= perk.daily) return "limit";
      if (perk.monthly && inMonth >= perk.monthly) return "monthly";
      return "";
    });
  }
  function rememberUse(card, perkId) {
    return tx("uses", "readwrite", function (s) { s.put({ id: uuid(), card: card, perk: perkId, day: localDay() }); });
  }

  /* --- Showing an outcome ---------------------------------------------------------------------------------- */
  function show(o) {
    result.className = "ms-result " + o.outcome;
    result.replaceChildren();
    function longDate(iso) {  // "2028-12-01" → "1 grudnia 2028" on a Polish page, "1 December 2028" on an English one
      if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso;
      var parts = iso.slice(0, 10).split("-").map(Number);
      return new Intl.DateTimeFormat(document.documentElement.lang || "pl", {day: "numeric", month: "long", year: "numeric"})
        .format(new Date(parts[0], parts[1] - 1, parts[2]));
    }
    function p(cls, text) { var e = document.createElement("p"); e.className = cls; e.textContent = text; result.appendChild(e); return e; }
    p("ms-verdict", T[o.outcome]);
    p("ms-reason", o.reason);
    if (o.holder) {
      var dl = document.createElement("dl"); dl.className = "facts";
      [[T.holder, o.holder], [T.card, o.card_number], [T.validUntil, longDate(o.valid_until)]].forEach(function (pair) {
        if (!pair[1]) return;
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = pair[0]; dd.textContent = pair[1]; dl.append(dt, dd);
      });
      result.appendChild(dl);
    }
    if (o.perk) {
      var line = p("ms-perk", "");
      var strong = document.createElement("strong"); strong.textContent = o.perk.title + ": ";
      var badge = document.createElement("span");
      badge.className = "badge " + (o.accepted ? "ok" : "bad");
      badge.textContent = o.accepted ? T.accepted : T.refused;
      line.append(strong, badge, document.createTextNode(o.accepted ? "" : " " + (o.refusal_text || "")));
    }
    if (o.note) p("ms-note", o.note);
    var li = document.createElement("li");
    li.className = o.outcome === "green" ? "ok" : o.outcome === "amber" ? "warn" : "bad";
    var time = document.createElement("time"), now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    li.append(time, document.createTextNode(" " + T[o.outcome] + (o.perk ? " · " + o.perk.title : "") +
                                             (o.queued ? " · " + T.queued : "")));
    if (o.clientId) li.dataset.clientId = o.clientId;
    var empty = shift.querySelector(".empty");
    if (empty) empty.remove();
    shift.prepend(li);
  }

  function reset() {
    ["number", "code", "token"].forEach(function (n) { if (field(n)) field(n).value = ""; });
  }

  function checkOffline(token, perk) {
    return verifyOffline(token).then(function (v) {
      var o = { perk: perk ? { title: perk.title } : null, accepted: perk ? false : null, queued: true };
      var reasons = { invalid: T.reasonInvalid, expired: T.reasonExpired, blocked: T.reasonBlocked,
                      "card-expired": T.reasonCardExpired };
      var refusals = { limit: T.refusalLimit, monthly: T.refusalMonthly, today: T.refusalToday };
      var decide = v.ok ? perkRefusalOffline(perk, v.claims.c) : Promise.resolve("");
      return decide.then(function (refused) {
        if (!v.ok) { o.outcome = "red"; o.reason = reasons[v.why]; }
        else {
          o.reason = T.reasonValid;
          o.holder = v.claims.h; o.card_number = v.claims.n.replace(/(\d{4})(?=\d)/g, "$1 ");
          o.valid_until = v.claims.vu;
          if (perk && refused) { o.outcome = "amber"; o.refusal_text = refusals[refused]; }
          else { o.outcome = "green"; o.accepted = perk ? true : null; }
        }
        o.note = T.queued;
        o.clientId = uuid();
        var item = { client_id: o.clientId, token: token, perk: perk ? perk.id : null,
                     checked_at: new Date().toISOString(), accepted: !!o.accepted };
        return tx("queue", "readwrite", function (s) { s.put(item); })
          .then(function () { return o.accepted ? rememberUse(v.claims.c, perk.id) : null; })
          .then(function () { show(o); reset(); });
      });
    });
  }

  var uploading = false;
  function upload() {
    if (uploading || !navigator.onLine) return Promise.resolve();
    uploading = true;
    return all("queue").then(function (items) {
      if (!items.length) return null;
      var batch = items.slice(0, 200);
      return fetch(root.dataset.uploadUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ partner: partnerId(), checks: batch })
      }).then(function (r) {
        if (!r.ok) throw new Error("upload " + r.status);
        return r.json();
      }).then(function (body) {
        return tx("queue", "readwrite", function (s) {
          body.results.forEach(function (res) { s.delete(res.client_id); });
        }).then(function () {
          network.textContent = T.sent;
          root.dataset.uploaded = String((parseInt(root.dataset.uploaded || "0", 10)) + body.results.length);
        });
      });
    }).catch(function () { /* kept in the queue for the next try */ })
      .finally(function () { uploading = false; });
  }

  function submit(event) {
    event.preventDefault();
    var token = (field("token").value || "").trim();
    var number = (field("number").value || "").trim();
    var perkId = field("perk").value ? parseInt(field("perk").value, 10) : null;
    var perk = perks.filter(function (p) { return p.id === perkId; })[0] || null;
    if (!token && !number) { form.submit(); return; }
    if (!navigator.onLine) {
      if (!token) { network.textContent = T.typedOffline; return; }
      checkOffline(token, perk);
      return;
    }
    var body = { partner: partnerId(), perk: perkId };
    if (token) body.token = token; else { body.number = number; body.code = (field("code").value || "").trim(); }
    fetch(root.dataset.verifyUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 400 || r.status === 429 || r.status === 403) {
        return r.json().then(function (e) {
          result.className = "ms-result red";
          result.replaceChildren();
          var p = document.createElement("p"); p.className = "ms-reason";
          p.textContent = (e.errors || []).map(function (x) { return x.detail; }).join(" ") || T.error;
          result.appendChild(p);
        });
      }
      if (!r.ok) throw new Error("verify " + r.status);
      return r.json().then(function (o) {
        if (o.accepted && o.perk) {
          var claims = null;
          try { claims = token ? JSON.parse(new TextDecoder().decode(b64(token.split(".")[2]))) : null; } catch (e) { claims = null; }
          if (claims) rememberUse(claims.c, o.perk.id);
        }
        show(o); reset();
      });
    }).catch(function () {
      if (token) checkOffline(token, perk); else network.textContent = T.typedOffline;
    });
  }
  form.addEventListener("submit", submit);

  /* --- Camera scanning ------------------------------------------------------------------------------------- */
  var scanButton = document.getElementById("till-scan"), stopButton = document.getElementById("till-scan-stop");
  var video = document.getElementById("till-video"), cameraStatus = document.getElementById("till-camera-status");
  var stream = null, canvas = document.createElement("canvas"), ctx = canvas.getContext("2d", { willReadFrequently: true });
  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; video.hidden = true; stopButton.hidden = true; scanButton.hidden = false;
  }
  function scanFrame() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR && window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data.indexOf("MS1.") === 0) {
        stopCamera();
        field("token").value = found.data;
        form.requestSubmit();
        return;
      }
    }
    setTimeout(scanFrame, 120);
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scanButton.hidden = false;
    scanButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s; video.srcObject = s; video.hidden = false; scanButton.hidden = true; stopButton.hidden = false;
          cameraStatus.textContent = T.cameraOn;
          return video.play();
        })
        .then(scanFrame)
        .catch(function () { stopCamera(); cameraStatus.textContent = T.cameraDenied; field("number").focus(); });
    });
    stopButton.addEventListener("click", stopCamera);
  }

  /* --- Partner switch, network state, offline readiness ---------------------------------------------------- */
  var partnerSelect = form.querySelector("select[name=partner]");
  if (partnerSelect) {
    partnerSelect.addEventListener("change", function () {
      document.getElementById("till-partner-name").textContent = partnerSelect.selectedOptions[0].textContent;
    });
  }
  function onNetwork() {
    network.textContent = navigator.onLine ? "" : T.offline;
    if (navigator.onLine) { upload(); refreshRevocations().catch(function () {}); }
  }
  window.addEventListener("online", onNetwork);
  window.addEventListener("offline", onNetwork);
  Promise.all([refreshKeys(), refreshRevocations()])
    .then(function () { root.dataset.offlineReady = "1"; })
    .catch(function () { if (localStorage.getItem(STORE_KEYS)) root.dataset.offlineReady = "1"; });
  setInterval(function () { if (navigator.onLine) { refreshRevocations().catch(function () {}); upload(); } }, 60000);
  upload();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { root.dataset.serviceWorker = "1"; })
      .catch(function () {});
  }
})();
