// One-click linking of the records a release's body names: adds the record to the release's
// link field (an autocomplete select) in the form; nothing is saved until the editor saves.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-link-field]");
  if (!button) {
    return;
  }
  const select = document.getElementById(`id_${button.dataset.linkField}`);
  if (!select) {
    return;
  }
  let option = Array.from(select.options).find((o) => o.value === button.dataset.linkId);
  if (!option) {
    option = new Option(button.dataset.linkLabel, button.dataset.linkId, true, true);
    select.add(option);
  }
  option.selected = true;
  if (window.django && window.django.jQuery) {
    window.django.jQuery(select).trigger("change");
  }
  button.disabled = true;
  button.textContent = button.dataset.linkedText;
});
