// Progressive enhancement of the matrix's index: the page works without this script (links,
// :target and <details> carry everything); with it, filters appear.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;

  function apply() {
    var f = new FormData(form);
    var want = {case: f.get("case"), os: f.get("os"), py: f.get("py"), outcome: f.get("outcome")};
    var onlyDis = f.get("dis") !== null, noSkip = f.get("noskip") !== null;
    document.querySelectorAll("section.case").forEach(function (section) {
      section.hidden = !!want.case && section.dataset.case !== want.case;
      var table = section.querySelector("table.m");
      if (!table || section.hidden) return;
      var shown = Array.prototype.map.call(table.tHead.rows[0].cells, function (th, i) {
        var ok = i === 0 || ((!want.os || th.dataset.os === want.os) && (!want.py || th.dataset.py === want.py));
        th.hidden = !ok;
        return ok;
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        var anyRow = false;
        Array.prototype.forEach.call(body.rows, function (tr) {
          if (tr.classList.contains("g")) return;
          var keep = false;
          Array.prototype.forEach.call(tr.cells, function (td, i) {
            if (i === 0) return;
            td.hidden = !shown[i];
            var skip = td.classList.contains("o-skip");
            var match = (!want.outcome || td.classList.contains("o-" + want.outcome)) &&
              (!onlyDis || td.classList.contains("x"));
            td.classList.toggle("gone", noSkip && skip);
            td.classList.toggle("dim", !match && !(noSkip && skip));
            if (shown[i] && match && td.className.indexOf("o-") >= 0 && !(noSkip && skip)) keep = true;
          });
          tr.hidden = !keep;
          anyRow = anyRow || keep;
        });
        body.hidden = !anyRow;
      });
    });
  }

  // A link to a cell that a filter hides clears the filters first.
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.hidden || (node.classList && node.classList.contains("gone"))) {
        form.reset();
        apply();
        target.scrollIntoView();
        break;
      }
    }
  }

  form.addEventListener("change", apply);
  window.addEventListener("hashchange", reveal);
  reveal();
})();
