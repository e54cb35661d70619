/* Job-title combobox (ARIA 1.2 pattern, list autocomplete).
   Markup: templates/onboarding/_job_field.html. Without this script the input is a
   plain text box that the server resolves on submit. */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 250;

  function setup(root) {
    var input = root.querySelector('[role="combobox"]');
    var listbox = input && document.getElementById(input.getAttribute("aria-controls"));
    if (!input || !listbox) return;
    var status = root.querySelector("[data-combobox-status]");
    var source = root.getAttribute("data-source");
    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
    }

    function announce(text) {
      if (status) status.textContent = text;
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
      announce("");
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        listbox.innerHTML = "";
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      var url = source + "?q=" + encodeURIComponent(query) + "&listbox=" + encodeURIComponent(listbox.id);
      if (root.getAttribute("data-cadre") === "1") url += "&cadre=1";
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", signal: controller.signal })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          listbox.innerHTML = html;
          active = -1;
          input.removeAttribute("aria-activedescendant");
          var count = options().length;
          if (listbox.querySelector('[role="option"]')) open(); else close();
          announce(count ? count + " " + root.getAttribute("data-message-count") : root.getAttribute("data-message-none"));
        })
        .catch(function () { /* aborted by a newer keystroke, or offline: typing still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = input.getAttribute("aria-expanded") === "true";
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded && options().length) open();
          highlight(active + 1);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded && options().length) open();
          highlight(active < 0 ? -1 : active - 1);
          break;
        case "Enter":
          // Choosing an option must not submit the form; otherwise Enter submits as usual.
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(options()[active]);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    // mousedown would blur the input before the click lands on the option.
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option && option.getAttribute("aria-disabled") !== "true") choose(option);
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-combobox]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
