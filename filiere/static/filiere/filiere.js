// Behaviour that must not live in inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("auto-submit")) {
    target.form?.submit();
  }
});
