// The rich-text editor's toolbar titles its buttons in English ("bold", "insert link"), which
// its package does not translate. Each title is read through the admin's translations
// (window.gettext, from the admin's JavaScript catalogue), which have them in Chinese; the
// buttons are made when an editor starts, and again as it changes, so each new one is read.
"use strict";
(() => {
  if (typeof window.gettext !== "function") {
    return;
  }
  const BUTTON = ".prose-menubar__button[title]";

  const translate = (button) => {
    const title = button.getAttribute("title");
    const shown = window.gettext(title);
    if (shown !== title) {
      button.setAttribute("title", shown);
      button.setAttribute("aria-label", shown);
    }
  };

  const translateWithin = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches(BUTTON)) {
      translate(node);
    }
    node.querySelectorAll(BUTTON).forEach(translate);
  };

  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach(translateWithin);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  translateWithin(document.documentElement);
})();
