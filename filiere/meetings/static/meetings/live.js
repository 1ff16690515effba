// Session screen: the check-in list filters as one types (the form still filters on the server
// without script); in presentation mode the arrow keys go to the previous or next case.
// The Content-Security-Policy forbids inline code: this file is loaded by the page.
document.addEventListener("DOMContentLoaded", () => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();

  document.querySelectorAll("input[data-filter-rows]").forEach((input) => {
    const body = document.querySelector(input.dataset.filterRows);
    if (!body) {
      return;
    }
    const apply = () => {
      const wanted = fold(input.value);
      body.querySelectorAll("tr[data-search]").forEach((row) => {
        row.hidden = wanted !== "" && !fold(row.dataset.search).includes(wanted);
      });
    };
    input.addEventListener("input", apply);
    // Rows replaced by a check-in keep the current filter.
    document.body.addEventListener("htmx:afterSwap", apply);
    apply();
  });

  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("input, textarea, select")) {
      return;
    }
    const where = { ArrowRight: "next", ArrowLeft: "previous" }[event.key];
    const link = where && document.querySelector(`a[data-nav="${where}"]`);
    if (link) {
      window.location.href = link.href;
    }
  });
});
