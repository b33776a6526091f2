// Search as you type for the header box. Without JavaScript the box submits to the search page.
(function () {
  "use strict";
  var form = document.querySelector("form.search-box[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var panel = form.querySelector(".search-suggestions");
  var timer = null;
  var latest = 0;

  function clear() {
    panel.hidden = true;
    panel.replaceChildren();
  }

  function render(data) {
    panel.replaceChildren();
    data.groups.forEach(function (group) {
      var heading = document.createElement("h2");
      heading.textContent = group.label;
      var list = document.createElement("ul");
      group.items.forEach(function (item) {
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        if (item.lang) link.lang = item.lang;
        var entry = document.createElement("li");
        entry.appendChild(link);
        list.appendChild(entry);
      });
      panel.append(heading, list);
    });
    panel.hidden = data.groups.length === 0;
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
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    // Escape closes the suggestions; only with none open does the browser empty the box.
    if (event.key === "Escape" && !panel.hidden) { event.preventDefault(); clear(); }
    if (event.key === "ArrowDown" && !panel.hidden) {
      var first = panel.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  panel.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(panel.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (event.key === "Escape") { clear(); input.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) clear();
  });
  // Leaving the box and its suggestions with the keyboard closes them, as a click elsewhere does.
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) clear();
  });
})();
