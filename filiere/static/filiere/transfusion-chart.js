// Trend of the transfusion efficacy (CCI and RTP at 1 h and 24 h) on the patient's transfusion
// page. The data come from a json_script element: the Content-Security-Policy forbids inline code.
// The x axis is time: each point sits at the end of its transfusion, so that two transfusions a
// day apart and two a month apart are not drawn the same distance apart. Series without values
// are absent from the data, and an axis without any series is not drawn.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("transfusion-chart");
  const source = document.getElementById("transfusion-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const series = data.series || {};
  const day = 24 * 3600 * 1000;
  // A lone transfusion still gets a readable axis: a day on each side.
  const first = data.first - (data.first === data.last ? day : 0);
  const last = data.last + (data.first === data.last ? day : 0);
  const french = (ms) => new Date(ms).toLocaleDateString("fr-FR");
  const line = (key, label, color, axis) => ({
    label,
    data: series[key],
    borderColor: color,
    backgroundColor: color,
    yAxisID: axis,
  });
  const threshold = (value, label, color) => ({
    label,
    data: [{ x: first, y: value }, { x: last, y: value }],
    borderColor: color,
    borderDash: [6, 4],
    pointRadius: 0,
    borderWidth: 1,
    yAxisID: "cci",
  });
  const datasets = [];
  const hasCci = Boolean(series.cci_1h || series.cci_24h);
  const hasRtp = Boolean(series.rtp_1h || series.rtp_24h);
  if (series.cci_1h) datasets.push(line("cci_1h", "CCI 1 h", "#8c2332", "cci"));
  if (series.cci_24h) datasets.push(line("cci_24h", "CCI 24 h", "#d9822b", "cci"));
  if (hasCci) {
    datasets.push(threshold(data.cci_1h_threshold, "Seuil CCI 1 h", "#8c2332"));
    datasets.push(threshold(data.cci_24h_threshold, "Seuil CCI 24 h", "#d9822b"));
  }
  if (series.rtp_1h) datasets.push(line("rtp_1h", "RTP 1 h (%)", "#1e5a8c", "rtp"));
  if (series.rtp_24h) datasets.push(line("rtp_24h", "RTP 24 h (%)", "#4a9bd1", "rtp"));
  const scales = {
    x: {
      type: "linear",
      min: first,
      max: last,
      title: { display: true, text: "Date de la transfusion" },
      ticks: { callback: (value) => french(value), maxTicksLimit: 8 },
    },
  };
  if (hasCci) {
    scales.cci = { type: "linear", position: "left", title: { display: true, text: "CCI" } };
  }
  if (hasRtp) {
    scales.rtp = {
      type: "linear",
      position: hasCci ? "right" : "left",
      title: { display: true, text: "RTP (%)" },
      grid: { drawOnChartArea: !hasCci },
    };
  }
  canvas.dataset.axes = Object.keys(scales).join(" ");
  new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      interaction: { mode: "nearest", intersect: false },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? items[0].raw.label || french(items[0].parsed.x) : ""),
          },
        },
      },
      scales,
    },
  });
});
