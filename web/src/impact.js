// The impact page's charts, drawn with Chart.js (chart.umd.min.js, loaded before this file).
// Progressive enhancement only: each chart's figures are in the table beneath it, which is
// what screen readers, print and pages without JavaScript use. Counts shown as "<5" are
// not drawn (null), so a chart never shows what the table hides.
const charts = document.querySelectorAll("[data-impact-chart]");
// NHS design system colours, in an order that stays apart for common colour blindness.
const colours = ["#005eb8", "#ffb81c", "#007f3b", "#d5281b", "#330072", "#41b6e6",
  "#7c2855", "#425563", "#ed8b00", "#aeb7bd"];

for (const figure of charts) {
  const holder = figure.querySelector("[data-impact-canvas]");
  if (!holder) continue; // nothing in these dates: the page says so, no chart
  const data = JSON.parse(figure.dataset.impactChart);
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", data.label);
  holder.append(canvas);
  holder.hidden = false;
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.weeks,
      datasets: data.series.map((series, i) => ({
        label: series.label,
        data: series.counts,
        backgroundColor: colours[i % colours.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
}
