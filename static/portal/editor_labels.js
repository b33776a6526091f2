// The rich-text editor's box (ProseMirror's element, a textbox) stood apart from the field's
// <label>, which names only the hidden textarea behind it: a screen reader announced an
// unnamed "edit text". The box is named by that label, in the language of the page, as each
// editor is made ("prose-editor:ready", an inline's new row included).
"use strict";
document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail;
  const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  if (!label) {
    return;
  }
  label.id ||= `${textarea.id}_label`;
  editor.view.dom.setAttribute("aria-labelledby", label.id);
});
