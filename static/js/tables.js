// A table too wide for the screen scrolls sideways inside its .table-responsive box. Such
// a box becomes a named, focusable region so that keyboard users can scroll it too; a box
// that fits stays out of the tab order.
(function () {
  "use strict";
  function label(box) {
    var caption = box.querySelector("caption");
    return caption && caption.textContent.trim() ? caption.textContent.trim() : "Table";
  }
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box) + " (scrolls sideways)");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  window.addEventListener("resize", mark);
  document.addEventListener("shown.bs.collapse", mark);
  mark();
})();
