// Offline search of the pkgaudit advisory site. No framework, no network:
// the index comes from search-index.js (a script, so that it loads from
// file:// too), or from search-index.json when that script is missing.
(function () {
  "use strict";

  var MAX_RESULTS = 200;
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var entries = null;
  var timer = 0;

  function lower(s) { return String(s || "").toLowerCase(); }

  function words(s) {
    return lower(s).split(/[^a-z0-9._+-]+/).filter(function (w) { return w !== ""; });
  }

  // terms splits a query at white space and drops surrounding punctuation.
  function terms(q) {
    return lower(q).split(/\s+/).map(function (t) {
      return t.replace(/^[^a-z0-9]+|[^a-z0-9*]+$/g, "");
    }).filter(function (t) { return t !== ""; });
  }

  function prepare(index) {
    entries = (index.entries || []).map(function (e) {
      return {
        e: e,
        id: e.kind === "vuxml" ? lower(e.id) : "", // pkgsrc ids are names, matched below
        names: (e.names || []).map(lower),
        cves: (e.cves || []).map(lower),
        words: words(e.topic),
        topic: lower(e.topic),
        date: e.modified || e.entry || ""
      };
    });
  }

  // score tells how well one query term matches an entry (0: not at all).
  function score(x, t) {
    var best = 0, i;
    function better(s) { if (s > best) { best = s; } }
    if (x.id === t) { better(100); } else if (t.length >= 4 && x.id.indexOf(t) === 0) { better(70); }
    for (i = 0; i < x.names.length; i++) {
      var n = x.names[i];
      if (n === t) { better(90); } else if (n.indexOf(t) === 0) { better(60); } else if (n.indexOf(t) >= 0) { better(30); }
    }
    for (i = 0; i < x.cves.length; i++) {
      var c = x.cves[i];
      if (c === t) { better(100); } else if (t.length >= 4 && c.indexOf(t) >= 0) { better(40); }
    }
    for (i = 0; i < x.words.length; i++) {
      var w = x.words[i];
      if (w === t) { better(20); } else if (w.indexOf(t) === 0) { better(10); }
    }
    if (best === 0 && t.length >= 3 && x.topic.indexOf(t) >= 0) { better(5); }
    return best;
  }

  function search(q) {
    var ts = terms(q), hits = [];
    if (ts.length === 0) { return null; }
    for (var i = 0; i < entries.length; i++) {
      var x = entries[i], total = 0;
      for (var j = 0; j < ts.length; j++) {
        var s = score(x, ts[j]);
        if (s === 0) { total = 0; break; }
        total += s;
      }
      if (total > 0) {
        if (x.e.cancelled) { total -= 1; }
        hits.push({ x: x, score: total });
      }
    }
    hits.sort(function (a, b) {
      if (a.score !== b.score) { return b.score - a.score; }
      if (a.x.date !== b.x.date) { return a.x.date < b.x.date ? 1 : -1; }
      return a.x.id < b.x.id ? -1 : a.x.id > b.x.id ? 1 : 0;
    });
    return hits;
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  function list(items, max) {
    var s = items.slice(0, max).join(", ");
    if (items.length > max) { s += " and " + (items.length - max) + " more"; }
    return s;
  }

  function show(q) {
    while (results.firstChild) { results.removeChild(results.firstChild); }
    var hits = search(q);
    if (hits === null) {
      status.textContent = "Type to search " + entries.length + " advisories.";
      return;
    }
    if (hits.length === 0) {
      status.textContent = "No advisory matches \u201c" + q.trim() + "\u201d.";
      return;
    }
    status.textContent = hits.length + (hits.length === 1 ? " advisory matches" : " advisories match") +
      " \u201c" + q.trim() + "\u201d" + (hits.length > MAX_RESULTS ? "; the first " + MAX_RESULTS + " are shown." : ".");
    var frag = document.createDocumentFragment();
    for (var i = 0; i < hits.length && i < MAX_RESULTS; i++) {
      var e = hits[i].x.e;
      var li = el("li");
      var a = el("a", "title", e.topic);
      a.href = e.url;
      li.appendChild(a);
      if (e.kind === "pkgsrc") { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "tag", "pkgsrc")); }
      if (e.cancelled) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "tag", "cancelled")); }
      var meta = el("span", "meta");
      var parts = [];
      if (e.entry) { parts.push(e.entry + (e.modified ? " (modified " + e.modified + ")" : "")); }
      if (e.names && e.names.length) { parts.push(list(e.names, 6)); }
      if (e.cves && e.cves.length) { parts.push(list(e.cves, 4)); }
      if (e.kind === "vuxml") { parts.push(e.id); }
      meta.textContent = parts.join(" \u00b7 ");
      li.appendChild(meta);
      frag.appendChild(li);
    }
    results.appendChild(frag);
  }

  function remember(q) {
    try {
      history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
    } catch (err) {
      // Some browsers refuse history changes on file:// pages; searching
      // still works.
    }
  }

  function start(index) {
    prepare(index);
    var q = "";
    try { q = new URLSearchParams(location.search).get("q") || ""; } catch (err) { q = ""; }
    input.value = q;
    show(q);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value); remember(input.value); }, entries.length > 5000 ? 120 : 30);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      show(input.value);
      remember(input.value);
    });
    document.documentElement.setAttribute("data-search-ready", "true");
  }

  if (window.PKGAUDIT_SEARCH_INDEX) {
    start(window.PKGAUDIT_SEARCH_INDEX);
  } else if (window.fetch) {
    status.textContent = "Loading the search index\u2026";
    fetch("search-index.json").then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
      return r.json();
    }).then(start, function (err) {
      status.textContent = "The search index could not be loaded (" + err.message + ").";
    });
  } else {
    status.textContent = "The search index could not be loaded.";
  }
}());
