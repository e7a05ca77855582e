// Inzant Sales demo: the "More Options" menu. Without this script the menu
// still opens on hover and on keyboard focus (CSS :hover / :focus-within).
// The script adds click-to-toggle (some browsers do not focus a clicked
// button), aria-expanded, and closing with Escape, a second click, or a
// click elsewhere. `.open` shows the menu; `.closed` hides it even while
// hovered or focused, until the pointer or focus leaves it.
"use strict";
(function () {
  // Times are written in UTC by the server; show them in the viewer's zone.
  document.querySelectorAll("time[data-local][datetime]").forEach(function (element) {
    var at = new Date(element.getAttribute("datetime"));
    if (!isNaN(at.getTime())) {
      element.textContent = at.toLocaleString(undefined, {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    }
  });

  document.querySelectorAll("[data-menu]").forEach(function (menu) {
    var button = menu.querySelector(".menu-button");
    if (!button) {
      return;
    }
    function setOpen(open) {
      menu.classList.toggle("open", open);
      menu.classList.toggle("closed", !open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function reset() {
      menu.classList.remove("open", "closed");
      button.setAttribute("aria-expanded", "false");
    }
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      setOpen(!menu.classList.contains("open"));
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
        button.focus();
      }
    });
    menu.addEventListener("mouseenter", function () {
      if (!menu.classList.contains("closed")) {
        button.setAttribute("aria-expanded", "true");
      }
    });
    menu.addEventListener("mouseleave", function () {
      if (!menu.classList.contains("open") && !menu.contains(document.activeElement)) {
        reset();
      }
    });
    menu.addEventListener("focusout", function () {
      window.setTimeout(function () {
        if (!menu.contains(document.activeElement) && !menu.matches(":hover")) {
          reset();
        }
      }, 0);
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target)) {
        reset();
      }
    });
  });
})();
