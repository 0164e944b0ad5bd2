/* stackreg site: filters the component table on the home page as the user types.
   Without JavaScript the page lists every component and the search box stays hidden.
   Text is only compared and counted: nothing from the page is ever written as HTML. */
(function () {
  "use strict";

  var box = document.getElementById("search");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  if (!box || !input || !status) {
    return;
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-search]"));
  var total = rows.length;
  var timer = null;

  function terms(text) {
    return text.toLowerCase().split(/\s+/).filter(function (t) {
      return t.length > 0;
    });
  }

  function describe(shown, filtered) {
    var noun = total === 1 ? " component" : " components";
    if (!filtered) {
      return total + noun;
    }
    if (shown === 0) {
      return "No components match";
    }
    return shown + " of " + total + noun + " match";
  }

  function apply() {
    var wanted = terms(input.value);
    var shown = 0;
    rows.forEach(function (row) {
      var haystack = row.getAttribute("data-search") || "";
      var hit = wanted.every(function (t) {
        return haystack.indexOf(t) !== -1;
      });
      row.hidden = !hit;
      if (hit) {
        shown += 1;
      }
    });
    var text = describe(shown, wanted.length > 0);
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  box.hidden = false;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      window.clearTimeout(timer);
      apply();
    }
  });
  apply();
})();
