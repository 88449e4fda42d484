// Call view: clicking a turn seeks the redacted-audio player; the timeline shows redacted ranges.
// Reads only data-* attributes the server rendered; never builds HTML from text.
(function () {
  "use strict";
  var player = document.getElementById("player");
  var timeline = document.getElementById("timeline");
  var playhead = document.getElementById("playhead");
  var turns = Array.prototype.slice.call(document.querySelectorAll(".turn"));

  function duration() {
    if (player && isFinite(player.duration) && player.duration > 0) return player.duration;
    return timeline ? parseFloat(timeline.dataset.duration) || 0 : 0;
  }

  function placeRanges() {
    var total = duration();
    if (!timeline || !total) return;
    timeline.querySelectorAll(".range").forEach(function (el) {
      var start = parseFloat(el.dataset.start), end = parseFloat(el.dataset.end);
      el.style.left = (100 * start / total) + "%";
      el.style.width = (100 * Math.max(end - start, 0) / total) + "%";
    });
  }

  function seek(seconds) {
    if (!player) return;
    player.currentTime = seconds;
    var started = player.play();
    if (started && started.catch) started.catch(function () { /* autoplay refused: position kept */ });
  }

  turns.forEach(function (turn) {
    var start = parseFloat(turn.dataset.start);
    var button = turn.querySelector(".seek");
    if (button) button.addEventListener("click", function () { seek(start); });
    var bubble = turn.querySelector(".bubble");
    if (bubble) bubble.addEventListener("click", function () { seek(start); });
  });

  if (timeline) {
    timeline.addEventListener("click", function (event) {
      var box = timeline.getBoundingClientRect();
      seek(duration() * (event.clientX - box.left) / box.width);
    });
  }

  if (player) {
    player.addEventListener("loadedmetadata", placeRanges);
    player.addEventListener("timeupdate", function () {
      var now = player.currentTime, total = duration();
      if (playhead && total) playhead.style.left = (100 * now / total) + "%";
      turns.forEach(function (turn) {
        var on = now >= parseFloat(turn.dataset.start) && now < parseFloat(turn.dataset.end);
        turn.classList.toggle("playing", on);
      });
    });
  }
  placeRanges();
})();
