// Where the focus goes when htmx replaces a list's results in place. A filter box, the sort or
// the name box keeps it: htmx puts it back on the new element of the same id. A link followed
// inside the results ("Next", a filter chip) goes away with them, and the focus would fall to
// <body>, sending the next Tab back to the header; it goes to the count of the new results
// instead, where reading them begins.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var count = event.target.querySelector && event.target.querySelector(".result-count");
    if (count) count.focus();
  });
})();
