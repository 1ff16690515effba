// Charts of the diagnosis observatory. The figures come from a json_script element (the
// Content-Security-Policy forbids inline code); a masked cell arrives as null and is not drawn.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("observatory-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colours = ["#1e5a8c", "#d9822b", "#8c2332", "#1e7a3c"];
  const draw = (id, figures) => {
    const canvas = document.getElementById(id);
    if (!canvas || !figures.labels.length) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.datasets.map((set, i) => ({
          label: set.label,
          data: set.values,
          backgroundColor: colours[i % colours.length],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: document.documentElement.lang || "fr",
        plugins: { legend: { display: figures.datasets.length > 1, position: "bottom" } },
      },
    });
  };
  draw("chart-delays", data.delays);
  draw("chart-groups", data.groups);
  draw("chart-dead-ends", data.dead_ends);
});
