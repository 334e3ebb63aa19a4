// On every page, deferred (it runs once the page is parsed, before DOMContentLoaded):
// - marks <html> with .js: scripts run here, so htmx will poll (CSS shows what is true only then);
// - with a CDN configured (data-cdn), loads htmx from it without ever holding the page up, and the
//   shop's own identical copy when the CDN fails or is slow. Without one, the page loads that copy itself.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var data = document.currentScript.dataset;
  if (!data.cdn) return;
  var FALLBACK_AFTER_MS = 300;
  var contentLoaded = false;
  var fellBack = false;
  var kicked = false;
  var timer;

  document.addEventListener("DOMContentLoaded", function () { contentLoaded = true; });

  function load(src, integrity) {
    var script = document.createElement("script");
    script.src = src;
    if (integrity) {
      script.integrity = integrity; // the CDN must serve byte for byte the copy the shop ships
      script.crossOrigin = "anonymous";
    }
    script.addEventListener("load", started);
    document.head.appendChild(script);
    return script;
  }

  function started() {
    clearTimeout(timer);
    // htmx starts on DOMContentLoaded, or at once if the document is already complete. A copy that
    // arrives in between (parsed, images still loading) would wait for an event that has been and
    // gone: send it again, once, so htmx processes the page now.
    if (!kicked && window.htmx && contentLoaded && document.readyState !== "complete") {
      kicked = true;
      document.dispatchEvent(new Event("DOMContentLoaded"));
    }
  }

  function fallBack(cdnScript) {
    if (fellBack || window.htmx) return;
    fellBack = true;
    clearTimeout(timer);
    cdnScript.removeEventListener("load", started);
    // A CDN answer arriving later must not run htmx a second time. A script moved to another document
    // before it runs is never run (HTML: "execute the script element" checks the preparation-time
    // document), so the pending CDN request is parked in a detached document.
    document.implementation.createHTMLDocument("").head.appendChild(cdnScript);
    load(data.local, null);
  }

  var cdnScript = load(data.cdn, data.integrity);
  cdnScript.addEventListener("error", function () { fallBack(cdnScript); });
  timer = setTimeout(function () { fallBack(cdnScript); }, FALLBACK_AFTER_MS);
})();
