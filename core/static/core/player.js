// One player for the whole page: a play button in a list row plays its track and stops any other; a second click
// pauses. A full <audio controls> on a track's page stops the others too.
(function () {
  "use strict";
  var audio = new Audio();
  audio.preload = "none";
  var current = null;

  function show(button, playing) {
    var icon = button && button.querySelector(".material-symbols-outlined");
    if (icon) { icon.textContent = playing ? "pause" : "play_arrow"; }
    if (button) { button.classList.toggle("crate-playing", playing); }
  }

  function stopOthers(except) {
    document.querySelectorAll("audio.crate-player").forEach(function (player) {
      if (player !== except) { player.pause(); }
    });
    if (except !== audio) { audio.pause(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.crate-play");
    if (!button) { return; }
    event.preventDefault();
    event.stopPropagation();
    if (current === button && !audio.paused) { audio.pause(); return; }
    stopOthers(audio);
    if (current !== button) {
      show(current, false);
      current = button;
      audio.src = button.dataset.src;
    }
    audio.play().catch(function () { show(button, false); button.title = "This file cannot be played here"; });
  });

  audio.addEventListener("play", function () { show(current, true); });
  audio.addEventListener("pause", function () { show(current, false); });
  audio.addEventListener("ended", function () { show(current, false); });
  document.addEventListener("play", function (event) {
    if (event.target.classList && event.target.classList.contains("crate-player")) { stopOthers(event.target); }
  }, true);
})();
