// Trend of the transfusion efficacy (CCI and RTP at 1 h and 24 h) on the patient's transfusion
// page. The data come from a json_script element: the Content-Security-Policy forbids inline code.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("transfusion-chart");
  const source = document.getElementById("transfusion-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const constant = (value) => data.labels.map(() => value);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "CCI 1 h", data: data.cci_1h, borderColor: "#8c2332", backgroundColor: "#8c2332", spanGaps: true, yAxisID: "cci" },
        { label: "CCI 24 h", data: data.cci_24h, borderColor: "#d9822b", backgroundColor: "#d9822b", spanGaps: true, yAxisID: "cci" },
        { label: "Seuil CCI 1 h", data: constant(data.cci_1h_threshold), borderColor: "#8c2332", borderDash: [6, 4], pointRadius: 0, borderWidth: 1, yAxisID: "cci" },
        { label: "Seuil CCI 24 h", data: constant(data.cci_24h_threshold), borderColor: "#d9822b", borderDash: [6, 4], pointRadius: 0, borderWidth: 1, yAxisID: "cci" },
        { label: "RTP 1 h (%)", data: data.rtp_1h, borderColor: "#1e5a8c", backgroundColor: "#1e5a8c", spanGaps: true, yAxisID: "rtp", hidden: true },
        { label: "RTP 24 h (%)", data: data.rtp_24h, borderColor: "#4a9bd1", backgroundColor: "#4a9bd1", spanGaps: true, yAxisID: "rtp", hidden: true },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        cci: { type: "linear", position: "left", title: { display: true, text: "CCI" } },
        rtp: { type: "linear", position: "right", title: { display: true, text: "RTP (%)" }, grid: { drawOnChartArea: false } },
      },
    },
  });
});
