// Loaded right after the CDN copy of htmx: if the CDN could not be reached (offline laptop, blocked
// network), load the identical pinned copy that ships with the shop.
if (!window.htmx) {
  document.write('<script src="' + document.currentScript.dataset.local + '"><\/script>');
}
