// Charts of a survey's results (Borda count per item). The figures come from a json_script
// element: the Content-Security-Policy forbids inline code.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("survey-results-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  JSON.parse(source.textContent).forEach((chart) => {
    const canvas = document.getElementById(chart.id);
    if (!canvas || !chart.values.length) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ label: "Borda", data: chart.values, backgroundColor: "#1e5a8c" }] },
      options: { indexAxis: "y", animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
    });
  });
});
