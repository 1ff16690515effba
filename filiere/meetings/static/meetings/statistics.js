// Charts of the RCP statistics page. The figures come from a json_script element: the
// Content-Security-Policy forbids inline code.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("rcp-statistics-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colours = ["#8c2332", "#d9822b", "#1e5a8c", "#4a9bd1", "#1e7a3c", "#9a6200", "#6b4c9a", "#7a7a7a"];
  const draw = (id, figures, type) => {
    const canvas = document.getElementById(id);
    if (!canvas || !figures.values.length) {
      return;
    }
    new Chart(canvas, {
      type: type,
      data: { labels: figures.labels, datasets: [{ data: figures.values, backgroundColor: colours }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: type !== "bar", position: "right" } } },
    });
  };
  draw("chart-question-types", data.question_types, "bar");
  draw("chart-disease-groups", data.disease_groups, "doughnut");
});
