"use strict";
(function () {
  var buttons = document.querySelectorAll(".filters .chip");
  var cards = document.querySelectorAll(".cards .card");
  function show(cat) {
    cards.forEach(function (card) {
      var cats = (card.getAttribute("data-cats") || "").split(" ");
      card.hidden = cat !== "" && cats.indexOf(cat) < 0;
    });
    buttons.forEach(function (b) {
      b.classList.toggle("on", b.getAttribute("data-cat") === cat);
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-cat") || ""); });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "LI") {
      var det = el.querySelector("details");
      if (det) { det.open = true; }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  document.body.classList.add("js");
})();
