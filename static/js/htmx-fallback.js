// Loaded right after the CDN copy of htmx: if the CDN could not be reached (offline laptop, blocked
// network), load the identical pinned copy that ships with the shop.
// Scripts run here, so htmx will poll: CSS shows what is true only then (.js-only).
document.documentElement.classList.add("js");
if (!window.htmx) {
  document.write('<script src="' + document.currentScript.dataset.local + '"><\/script>');
}
