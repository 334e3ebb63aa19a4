// Copy buttons for payment numbers (VA number, bill key, payment code): a progressive enhancement.
// Without this file, or without the Clipboard API (plain http other than localhost), the buttons stay
// hidden (CSS shows them only under html.can-copy) and the number is there to select by hand.
// Delegated from the document, so buttons in fragments htmx swaps in later work too.
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.documentElement.classList.add("can-copy");
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied;
      button.classList.add("copy-btn--done");
      setTimeout(function () {
        button.textContent = label;
        button.classList.remove("copy-btn--done");
      }, 2000);
    });
  });
})();
