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
// The panel's menu folds behind one button on a phone (issue 17); without the script it stays listed.
document.documentElement.classList.add("js");
(function () {
  var button = document.getElementById("menu-button");
  var menu = document.getElementById("panel-menu");
  if (!button || !menu) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
// Ctrl+Enter (Cmd+Enter on a Mac) sends the form of the text being written, as in the helpdesks staff know.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
  var area = event.target;
  if (!area.matches || !area.matches("textarea") || !area.form) { return; }
  event.preventDefault();
  if (area.form.requestSubmit) { area.form.requestSubmit(); } else { area.form.submit(); }
});
