// The reset page's live behaviour: the strength meter and the Save button.
// Without this script the page still works: the server checks everything.
(function () {
  "use strict";
  // Times are written in UTC by the server; show them in the viewer's zone.
  var times = document.querySelectorAll("time[data-local][datetime]");
  for (var t = 0; t < times.length; t++) {
    var at = new Date(times[t].getAttribute("datetime"));
    if (!isNaN(at.getTime())) {
      times[t].textContent = at.toLocaleString(document.documentElement.lang || undefined, {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    }
  }

  var form = document.getElementById("reset-form");
  if (!form) { return; }
  var code = document.getElementById("code");
  var password = document.getElementById("new_password");
  var confirm = document.getElementById("confirm_password");
  var strength = document.getElementById("strength");
  var match = document.getElementById("match");
  var save = document.getElementById("save");
  var rules = document.querySelectorAll("#rules li[data-rule]");
  var endpoint = window.location.pathname.replace(/\/+$/, "") + "/strength";
  var acceptable = false;
  var timer = null;
  var sequence = 0;

  function codeValid() {
    return /^[0-9]{6}$/.test(code.value.replace(/[\s-]/g, ""));
  }

  function refresh() {
    var same = password.value.length > 0 && password.value === confirm.value;
    if (confirm.value.length === 0) {
      match.textContent = "";
      match.className = "match";
    } else if (same) {
      match.textContent = form.getAttribute("data-match-text") || "";
      match.className = "match ok";
    } else {
      match.textContent = form.getAttribute("data-mismatch-text") || "";
      match.className = "match bad";
    }
    save.disabled = !(codeValid() && acceptable && same);
  }

  function show(report) {
    strength.textContent = report.label;
    strength.className = "strength " + report["class"];
    strength.setAttribute("data-level", report.level);
    acceptable = report.acceptable === true;
    var unmet = report.unmet || [];
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i].getAttribute("data-rule");
      rules[i].className = unmet.indexOf(rule) >= 0 ? "unmet" : "met";
    }
    refresh();
  }

  function check() {
    var mine = ++sequence;
    if (password.value.length === 0) {
      strength.textContent = "";
      strength.className = "strength";
      acceptable = false;
      refresh();
      return;
    }
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: password.value })
    }).then(function (response) {
      return response.json();
    }).then(function (report) {
      if (mine !== sequence) { return; }
      if (report.label) {
        show(report);
      } else {
        acceptable = false;
        strength.textContent = "";
        refresh();
      }
    }).catch(function () {
      // The meter is a help, not a gate: the server still decides on submit.
      acceptable = true;
      refresh();
    });
  }

  password.addEventListener("input", function () {
    acceptable = false;
    refresh();
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(check, 200);
  });
  confirm.addEventListener("input", refresh);
  code.addEventListener("input", refresh);
  form.addEventListener("submit", function () {
    // One submit per click: a double click must not send the code twice.
    window.setTimeout(function () { save.disabled = true; }, 0);
  });
  refresh();
})();
