// Kith: small enhancements. Every page works without this file.
(function () {
  "use strict";
  const box = document.querySelector("[data-search]");
  const list = document.querySelector("[data-suggestions]");
  let timer = null;
  if (box && list) {
    box.addEventListener("input", function () {
      clearTimeout(timer);
      const q = box.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      timer = setTimeout(function () {
        fetch("/api/v1/search?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            list.replaceChildren();
            hits.forEach(function (h) {
              const a = document.createElement("a");
              a.href = "/people/" + h.contact.id;
              a.textContent = h.contact.display_name + (h.contact.organization ? " · " + h.contact.organization : "");
              list.appendChild(a);
            });
            list.hidden = hits.length === 0;
          })
          .catch(function () { list.hidden = true; });
      }, 120);
    });
  }
  document.addEventListener("keydown", function (e) {
    const typing = /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
    if (!typing && e.key === "/" && box) { e.preventDefault(); box.focus(); }
    if (e.key === "Escape" && list) { list.hidden = true; }
  });
})();
