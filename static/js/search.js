// Search as you type for the header box, as an ARIA combobox: the focus stays in the box while
// the arrow keys move through the suggestions, Enter opens the one chosen, Escape closes them.
// Without JavaScript the box submits to the search page.
(function () {
  "use strict";
  var form = document.querySelector("form.search-box[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var panel = form.querySelector(".search-suggestions");
  var status = form.querySelector("[role=status]");
  var timer = null;
  var latest = 0;
  var active = -1;

  function options() {
    return panel.querySelectorAll("[role=option]");
  }

  function choose(index) {
    var list = options();
    active = index;
    list.forEach(function (option, at) {
      option.setAttribute("aria-selected", at === index ? "true" : "false");
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
    } else {
      input.setAttribute("aria-activedescendant", list[index].id);
      list[index].scrollIntoView({block: "nearest"});
    }
  }

  function show(open) {
    panel.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function clear() {
    // An answer still on its way is for what the box held before: it is dropped.
    latest++;
    clearTimeout(timer);
    choose(-1);
    show(false);
    panel.replaceChildren();
    status.textContent = "";
  }

  function render(data) {
    var count = 0;
    panel.replaceChildren();
    data.groups.forEach(function (group, number) {
      var box = document.createElement("div");
      var heading = document.createElement("div");
      heading.id = "search-box-group-" + number;
      heading.className = "search-suggestions-heading";
      heading.setAttribute("role", "presentation");
      heading.textContent = group.label;
      box.setAttribute("role", "group");
      box.setAttribute("aria-labelledby", heading.id);
      box.appendChild(heading);
      group.items.forEach(function (item) {
        var option = document.createElement("a");
        option.id = "search-box-option-" + count++;
        option.href = item.url;
        option.tabIndex = -1;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.title;
        if (item.lang) {
          // Not in the page's language: marked as the results page marks it.
          option.lang = item.lang;
          option.classList.add("untranslated");
        }
        box.appendChild(option);
      });
      panel.appendChild(box);
    });
    choose(-1);
    show(count > 0);
    status.textContent = data.status;
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2 && !/[\u3400-\u9fff]/.test(q)) return clear();
    var ticket = ++latest;
    fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && ticket === latest) render(data); })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    // The suggestion chosen was for the words before: Enter now searches what is typed.
    choose(-1);
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      if (panel.hidden) show(true);
      else choose(Math.min(active + 1, count - 1));
    } else if (event.key === "ArrowUp" && !panel.hidden) {
      event.preventDefault();
      choose(Math.max(active - 1, -1));
    } else if (event.key === "Enter" && !panel.hidden && active >= 0) {
      event.preventDefault();
      window.location.assign(options()[active].href);
    } else if (event.key === "Escape" && !panel.hidden) {
      // Only with no suggestions open does the browser empty the box.
      event.preventDefault();
      choose(-1);
      show(false);
    }
  });
  // A click on a suggestion follows its link; the focus stays in the box meanwhile.
  panel.addEventListener("mousedown", function (event) { event.preventDefault(); });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) clear();
  });
  // Leaving the box with the keyboard closes the suggestions, as a click elsewhere does.
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) clear();
  });
})();
