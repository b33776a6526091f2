// Link suggestions on a release's form: the records its body names but does not link yet.
//
// The list is asked for again (admin:news_release_link_suggestions) as the body is edited,
// when the editor leaves the body, when a link changes and on "Preview without saving", so it
// is there before the first save. "Link" adds the record to the release's link field (an
// autocomplete select) in the form; nothing is saved until the editor saves.
"use strict";
(() => {
  const TYPING_PAUSE_MS = 1000;
  const LINK_FIELDS = ["zones", "enterprises", "institutions", "platforms"];

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

  // The admin loads this script in the page's head, before the form exists.
  const start = () => {
    const area = document.querySelector("[data-link-suggestions-url]");
    const form = area && area.closest("form");
    if (form) {
      watch(area, form);
    }
  };

  const watch = (area, form) => {
    // The body in each language: django-prose-editor keeps its (hidden) textarea up to date and
    // fires "input" on it after every change; without the editor it is a plain textarea.
    const bodies = () => Array.from(form.querySelectorAll("textarea[name^='body_']"));

    const payload = () => {
      const data = new FormData();
      for (const body of bodies()) {
        data.append(body.name, body.value);
      }
      for (const name of LINK_FIELDS) {
        const select = form.elements.namedItem(name);
        for (const option of select ? Array.from(select.selectedOptions || []) : []) {
          data.append(name, option.value);
        }
      }
      return data;
    };

    let asked = null; // what the list on the page was made from
    let timer = null;

    const refresh = () => {
      clearTimeout(timer);
      const data = payload();
      const key = new URLSearchParams(data).toString();
      if (key === asked) {
        return;
      }
      asked = key;
      const token = form.querySelector("[name=csrfmiddlewaretoken]");
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      fetch(area.dataset.linkSuggestionsUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          // A later request may have been made meanwhile; only the latest answer counts.
          if (answer && asked === key) {
            area.innerHTML = answer.html;
          }
        })
        .catch(() => {
          asked = null; // try again next time
        });
    };

    const refreshSoon = (delay) => {
      clearTimeout(timer);
      timer = setTimeout(refresh, delay);
    };

    const inBody = (target) =>
      target instanceof Element &&
      (target.matches("textarea[name^='body_']") ||
        Boolean(target.closest(".prose-editor")?.querySelector("textarea[name^='body_']")));

    form.addEventListener("input", (event) => {
      if (inBody(event.target)) {
        refreshSoon(TYPING_PAUSE_MS);
      }
    });
    form.addEventListener("change", (event) => {
      if (inBody(event.target) || LINK_FIELDS.includes(event.target.name)) {
        refreshSoon(0);
      }
    });
    form.addEventListener("focusout", (event) => {
      if (inBody(event.target)) {
        refreshSoon(0);
      }
    });
    form.addEventListener("click", (event) => {
      if (event.target.closest("[name=_preview]")) {
        refresh();
      }
    });
    // The autocomplete selects announce their changes through Django's jQuery only.
    if (window.django && window.django.jQuery) {
      for (const name of LINK_FIELDS) {
        window.django.jQuery(form.elements.namedItem(name)).on("change", () => refreshSoon(0));
      }
    }

    // A form shown again (after an error, or a new release) may hold a body the list on the
    // page was not made from.
    if (bodies().some((body) => body.value.trim())) {
      refresh();
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
