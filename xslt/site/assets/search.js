/* teikit site: Pagefind's search UI, loaded from this folder (pagefind/). Pagefind fetches its
   index in pieces, which browsers allow over HTTP only; opened from disk the page says so. */
(function () {
  "use strict";
  var note = document.getElementById("search-file-note");
  if (window.location.protocol === "file:" || typeof window.PagefindUI === "undefined") {
    note.hidden = false;
    return;
  }
  var base = new URL(".", window.location.href).pathname;
  new window.PagefindUI({
    element: "#search",
    baseUrl: base,
    bundlePath: base + "pagefind/",
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    openFilters: ["kind"]
  });
}());
