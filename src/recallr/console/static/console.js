// Recallr console: times in the browser's timezone, the playground's timezone, focus on a highlighted message.
// No network requests, no dependencies.
(function () {
  "use strict";
  var dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
  var dateOnly = new Intl.DateTimeFormat(undefined, {dateStyle: "medium"});
  function localise() {
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      if (el.hasAttribute("data-date")) {
        // Event dates are calendar days: shown as written, not shifted by the viewer's offset.
        el.textContent = dateOnly.format(new Date(el.getAttribute("datetime").slice(0, 10) + "T12:00:00"));
      } else {
        el.textContent = dateTime.format(when);
        el.title = when.toISOString();
      }
    });
  }
  function timezone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    document.querySelectorAll("input[data-timezone]").forEach(function (el) { el.value = zone; });
  }
  function focusHighlight() {
    var el = document.querySelector(".highlighted");
    if (el) { el.scrollIntoView({block: "center"}); el.focus({preventScroll: true}); }
  }
  function start() { localise(); timezone(); focusHighlight(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
