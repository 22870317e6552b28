// When a form comes back with errors, move keyboard and screen-reader focus to them:
// to the error summary when the page has one, otherwise to the first invalid field
// (its label and message are read out through aria-describedby).
(function () {
  "use strict";
  var target = document.querySelector("[data-error-summary]") ||
               document.querySelector("main [aria-invalid=true]");
  if (target) {
    target.focus();
  }
})();
