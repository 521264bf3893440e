// Confirmation before destructive or irreversible form submissions; forms work without it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
// Live character counts for text areas with a maxlength.
document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
  var counter = document.createElement("small");
  counter.className = "counter";
  counter.setAttribute("aria-live", "polite");
  area.insertAdjacentElement("afterend", counter);
  var update = function () { counter.textContent = area.value.length + " / " + area.maxLength; };
  area.addEventListener("input", update);
  update();
});
// Whole table rows open their link; the link in the row stays the keyboard path.
document.querySelectorAll("tr[data-href]").forEach(function (row) {
  row.addEventListener("click", function (event) {
    if (event.target.closest("a, button, input, select, textarea")) { return; }
    window.location.href = row.getAttribute("data-href");
  });
});
// Reports: typing a date means custom dates (the preset select would otherwise win); works without it too.
document.querySelectorAll("input[data-custom-period]").forEach(function (input) {
  input.addEventListener("change", function () {
    var preset = document.getElementById("report-preset");
    if (preset) { preset.value = "custom"; }
  });
});
