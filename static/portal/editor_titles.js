// The rich-text editor writes some of its words in English, which its package does not
// translate: its toolbar's titles ("bold", "insert link"), the choices of its block-style
// picker ("Heading 2", "Paragraph") and of its dialogs' selects ("Yes", "No"). Each is read
// through the admin's translations (window.gettext, from the admin's JavaScript catalogue),
// which have them in Chinese. The toolbar is made when an editor starts, and again as it
// changes, and a dialog when it opens, so each new element is read as it appears.
"use strict";
(() => {
  if (typeof window.gettext !== "function") {
    return;
  }
  const BUTTON = ".prose-menubar__button[title]";
  // A picker choice is a button holding one element (<h2>, <p>) that shows the style by name.
  const PICKER_CHOICE = ".prose-menubar__option > *";
  const DIALOG_CHOICE = ".prose-editor-dialog option";

  const translateTitle = (button) => {
    const title = button.getAttribute("title");
    const shown = window.gettext(title);
    if (shown !== title) {
      button.setAttribute("title", shown);
      button.setAttribute("aria-label", shown);
    }
  };

  const translateText = (element) => {
    if (element.childElementCount > 0) {
      return;
    }
    const text = element.textContent;
    const shown = window.gettext(text);
    if (shown !== text) {
      element.textContent = shown;
    }
  };

  const translateChoice = (option) => {
    // The editor reads the choice by its value, which is its text unless set: keep it English.
    if (!option.hasAttribute("value")) {
      option.value = option.textContent;
    }
    translateText(option);
  };

  const TRANSLATIONS = [
    [BUTTON, translateTitle],
    [PICKER_CHOICE, translateText],
    [DIALOG_CHOICE, translateChoice],
  ];

  const translateWithin = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    for (const [selector, translate] of TRANSLATIONS) {
      if (node.matches(selector)) {
        translate(node);
      }
      node.querySelectorAll(selector).forEach(translate);
    }
  };

  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach(translateWithin);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  translateWithin(document.documentElement);
})();
