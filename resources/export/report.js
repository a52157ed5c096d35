// doccritic HTML export: filters, click-to-scroll and selection. Vanilla JS, no network, no innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dc-data").textContent);
  var cards = Object.create(null); // ids come from the page's address too: "__proto__" must find nothing
  document.querySelectorAll(".card[data-id]").forEach(function (c) { cards[c.getAttribute("data-id")] = c; });
  var kindBoxes = document.querySelectorAll(".filters input[data-kind]");
  var sev = document.getElementById("dc-sev");
  var query = document.getElementById("dc-q");
  var shown = document.getElementById("dc-shown");
  var selected = null;

  function marksFor(id) {
    return document.querySelectorAll('mark.hl[data-id="' + CSS.escape(id) + '"]');
  }

  function flash(els) {
    els.forEach(function (el) {
      el.classList.remove("flash");
      void el.offsetWidth; // restart the animation
      el.classList.add("flash");
    });
  }

  function select(id, scrollCard, instant) {
    if (selected) {
      if (cards[selected]) cards[selected].classList.remove("selected");
      marksFor(selected).forEach(function (m) { m.classList.remove("selected"); });
    }
    selected = id;
    var card = cards[id];
    if (!card) return;
    card.classList.add("selected");
    marksFor(id).forEach(function (m) { m.classList.add("selected"); });
    if (!scrollCard) return;
    var list = card.closest(".cards");
    var box = list.getBoundingClientRect(), at = card.getBoundingClientRect();
    if (at.top < box.top || at.bottom > box.bottom) { // scroll the card list only, never the page
      list.scrollTo({ top: list.scrollTop + at.top - box.top - 8, behavior: instant ? "auto" : "smooth" });
    }
  }

  function apply() {
    var kinds = {};
    kindBoxes.forEach(function (b) { kinds[b.getAttribute("data-kind")] = b.checked; });
    var min = Number(sev.value) || 1;
    var q = query.value.trim().toLowerCase();
    var count = 0;
    data.findings.forEach(function (f) {
      var on = kinds[f.kind] !== false && f.rank >= min && (!q || f.search.indexOf(q) >= 0);
      if (cards[f.id]) cards[f.id].hidden = !on;
      marksFor(f.id).forEach(function (m) { m.classList.toggle("off", !on); });
      if (on) count += 1;
    });
    document.querySelectorAll(".group").forEach(function (g) {
      g.hidden = !g.querySelector(".card:not([hidden])");
    });
    var total = data.findings.length;
    shown.textContent = count === total ? total + (total === 1 ? " finding" : " findings")
                                        : "Showing " + count + " of " + total + " findings";
  }

  document.querySelector(".cards").addEventListener("click", function (ev) {
    var card = ev.target.closest(".card[data-id]");
    if (!card) return;
    var id = card.getAttribute("data-id");
    var linked = !ev.isTrusted; // opened from a link to the finding: no animation
    select(id, linked, linked);
    var mark = document.getElementById("f-" + id);
    if (mark) {
      var folded = mark.closest("details");
      if (folded) folded.open = true;
      var r = mark.getBoundingClientRect();
      if (!linked || r.top < 0 || r.bottom > window.innerHeight) {
        mark.scrollIntoView({ block: "center", behavior: linked ? "auto" : "smooth" });
      }
      flash(marksFor(id));
    }
  });
  document.querySelector(".cards").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.classList.contains("card")) ev.target.click();
  });
  document.getElementById("doc").addEventListener("click", function (ev) {
    var mark = ev.target.closest("mark.hl[data-id]:not(.off)");
    if (mark) select(mark.getAttribute("data-id"), true);
  });
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.cite-link[data-cite]");
    if (!link) return;
    ev.preventDefault();
    var marks = document.querySelectorAll('mark.cite[data-cite="' + CSS.escape(link.getAttribute("data-cite")) + '"]');
    if (marks.length) {
      marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
      flash(marks);
    }
  });
  kindBoxes.forEach(function (b) { b.addEventListener("change", apply); });
  sev.addEventListener("change", apply);
  query.addEventListener("input", apply);
  apply();
  var linked = /^#finding=(.+)$/.exec(location.hash); // report.html#finding=<id> opens on that finding
  var wanted = null;
  try { wanted = linked ? decodeURIComponent(linked[1]) : null; } catch (e) { wanted = null; } // "%E0%A4" throws
  if (wanted !== null && cards[wanted]) cards[wanted].click();
  document.body.setAttribute("data-ready", "1");
})();
