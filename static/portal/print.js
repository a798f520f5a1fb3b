// Buttons marked data-print-page print the page (no inline onclick: the Content-Security-Policy forbids it).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print-page]");
  if (button) { event.preventDefault(); window.print(); }
});
