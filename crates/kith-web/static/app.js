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
  // The People page: its search box and filters update the results as you type.
  const pageBox = document.querySelector("[data-search-page]");
  const results = document.getElementById("people-results");
  if (pageBox && pageBox.form && results) {
    const form = pageBox.form;
    let pending = null;
    let wait = null;
    const refresh = function () {
      const params = new URLSearchParams(new FormData(form));
      params.delete("_csrf");
      const url = form.action + "?" + params.toString();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          const doc = new DOMParser().parseFromString(html, "text/html");
          const fresh = doc.getElementById("people-results");
          const count = doc.querySelector("h1 .count");
          if (!fresh) { return; }
          results.replaceChildren(...fresh.childNodes);
          const shown = document.querySelector("h1 .count");
          if (count && shown) { shown.textContent = count.textContent; }
          history.replaceState(null, "", url);
        })
        .catch(function () { /* the Show button still works */ });
    };
    form.addEventListener("input", function (e) {
      if (e.target.tagName !== "INPUT" || e.target.type === "checkbox") { return; }
      clearTimeout(wait);
      wait = setTimeout(refresh, 200);
    });
    form.addEventListener("change", function (e) {
      if (e.target.tagName === "SELECT" || e.target.type === "checkbox") { refresh(); }
    });
  }
  // The error page's "Go back" link (without script, the browser's Back button does it).
  const back = document.querySelector("[data-back]");
  if (back && history.length > 1) {
    back.hidden = false;
    back.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
  }
  document.addEventListener("keydown", function (e) {
    const typing = /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
    if (!typing && e.key === "/" && box) { e.preventDefault(); box.focus(); }
    if (e.key === "Escape" && list) { list.hidden = true; }
  });
})();
