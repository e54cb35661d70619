/* Charts of the experiment dashboard (templates/insights/), drawn with the vendored Chart.js.
   Markup: <canvas data-chart-source="ID" role="img" aria-label="summary sentence"> and a
   <script type="application/json" id="ID"> holding {type, labels, datasets, horizontal}.
   The same numbers are in the data table beside each chart, so nothing is lost without
   JavaScript; suppressed values ("< 5") arrive as null and are not drawn.
   Charts are (re)drawn on load and after htmx swaps the results (live filters). */
(function () {
  "use strict";

  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function build(canvas) {
    if (canvas.dataset.chartReady || typeof window.Chart === "undefined") return;
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var multi = spec.datasets.length > 1;
    var round = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: round ? PALETTE.slice(0, dataset.data.length) : colour,
        borderColor: round ? "#ffffff" : colour,
        borderWidth: spec.type === "line" ? 2 : 1,
        spanGaps: false,
        pointStyle: ["circle", "rect", "triangle", "rectRot"][index % 4]
      };
    });
    canvas.dataset.chartReady = "1";
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        plugins: { legend: { display: multi || round } },
        scales: round ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll("canvas[data-chart-source]");
    for (var i = 0; i < canvases.length; i += 1) build(canvases[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
