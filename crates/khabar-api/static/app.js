// khabar UI: small progressive enhancements; the pages work without this file.
"use strict";
(function () {
  // Map tooltips: a floating label for event points (the SVG <title> stays as the fallback).
  function setupTooltips() {
    var tip = document.createElement("div");
    tip.className = "tooltip";
    tip.hidden = true;
    document.body.appendChild(tip);
    document.querySelectorAll("circle[data-tip]").forEach(function (c) {
      c.addEventListener("mouseenter", function () {
        tip.textContent = c.getAttribute("data-tip");
        tip.hidden = false;
      });
      c.addEventListener("mousemove", function (ev) {
        tip.style.left = ev.pageX + 12 + "px";
        tip.style.top = ev.pageY + 12 + "px";
      });
      c.addEventListener("mouseleave", function () {
        tip.hidden = true;
      });
    });
  }

  // Clicking an event in the timeline or the claims table flashes its evidence sentence(s).
  function setupEventLinks() {
    document.querySelectorAll("a[data-event]").forEach(function (a) {
      a.addEventListener("click", function () {
        var id = a.getAttribute("data-event");
        document.querySelectorAll("mark[data-event]").forEach(function (m) {
          var ids = m.getAttribute("data-event").split(" ");
          m.classList.toggle("focus", ids.indexOf(id) >= 0);
        });
      });
    });
    // Hovering a mark shows which events it evidences.
    document.querySelectorAll("mark[data-event]").forEach(function (m) {
      m.title = "evidence of event " + m.getAttribute("data-event");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTooltips();
    setupEventLinks();
    document.documentElement.classList.add("js");
  });
})();
