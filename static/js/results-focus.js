/* After htmx replaces a list of results, keep keyboard and screen-reader users oriented (RGAA 7.1, 7.5).
   Markup: a container with data-results-focus="ID OF A HEADING" (the heading has tabindex="-1"),
   e.g. templates/members/member_list.html. The new count is announced by a role="status" region
   that the page keeps; this script handles the focus:
   - a page link is inside the list it replaces: once it is gone the focus would fall back to the
     top of the page, so it moves to the results heading, from where the new page is read;
   - a filter or the search box is outside the list and keeps the focus: the user goes on typing.
   Without JavaScript the links and the form load whole pages and none of this is needed. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var target = detail.target;
    // Out-of-band parts settle too, with the same details: act once, for the main target.
    if (!target || event.target !== target || !target.hasAttribute("data-results-focus")) return;
    // Only when the swap took the focus away (it was on an element of the old list).
    var active = document.activeElement;
    if (active && active !== document.body && document.body.contains(active)) return;
    var heading = document.getElementById(target.getAttribute("data-results-focus"));
    if (heading) heading.focus();
  });
})();
