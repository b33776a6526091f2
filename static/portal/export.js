// The admin's export page: "Select all" ticks or clears every field, with django-import-export's
// own function, bound here rather than in an inline onchange attribute.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
