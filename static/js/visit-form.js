/* Visit form: a live hint when needle counts differ, and the reason box of a cautioned
   point is focused when the point is ticked. The form works the same without it. */
(function () {
  "use strict";
  var form = document.querySelector(".visit-form");
  if (!form) { return; }

  var needlesIn = form.querySelector("#needles_in");
  var needlesOut = form.querySelector("#needles_out");
  var hint = document.createElement("div");
  hint.className = "form-text text-danger";
  hint.setAttribute("aria-live", "polite");
  if (needlesOut) { needlesOut.parentNode.appendChild(hint); }

  function checkNeedles() {
    if (!needlesIn || !needlesOut || needlesIn.value === "" || needlesOut.value === "") {
      hint.textContent = "";
      return;
    }
    hint.textContent = needlesIn.value === needlesOut.value ? "" :
      "Needles out differ from needles in: the visit cannot be signed until they match.";
  }
  [needlesIn, needlesOut].forEach(function (input) {
    if (input) { input.addEventListener("input", checkNeedles); }
  });
  checkNeedles();

  form.querySelectorAll(".point-picker tbody tr").forEach(function (row) {
    var box = row.querySelector("input[type=checkbox]");
    var reason = row.querySelector("input[type=text]");
    if (box && reason) {
      box.addEventListener("change", function () { if (box.checked) { reason.focus(); } });
    }
  });
})();
