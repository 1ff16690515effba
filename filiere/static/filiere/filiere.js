// Behaviour that must not live in inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("auto-submit")) {
    target.form?.submit();
  }
});

// Suggestions under a field (core/forms/widgets/suggest.html): the combobox pattern of WAI-ARIA.
const suggestions = {
  listbox(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  },
  options(input) {
    const listbox = this.listbox(input);
    return listbox ? [...listbox.querySelectorAll("[role=option]:not([aria-disabled=true])")] : [];
  },
  open(input) {
    const listbox = this.listbox(input);
    if (!listbox) return;
    listbox.hidden = !listbox.children.length;
    input.setAttribute("aria-expanded", String(!listbox.hidden));
    input.removeAttribute("aria-activedescendant");
  },
  close(input) {
    const listbox = this.listbox(input);
    if (listbox) listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  },
  isOpen(input) {
    const listbox = this.listbox(input);
    return Boolean(listbox && !listbox.hidden);
  },
  move(input, step) {
    const options = this.options(input);
    if (!options.length) return;
    if (!this.isOpen(input)) this.open(input);
    const current = options.findIndex((o) => o.id === input.getAttribute("aria-activedescendant"));
    const next = current < 0 ? (step > 0 ? 0 : options.length - 1)
      : (current + step + options.length) % options.length;
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === next)));
    input.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({ block: "nearest" });
  },
  choose(input, option) {
    input.value = option.dataset.value;
    this.close(input);
    input.focus();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  },
};

document.addEventListener("htmx:afterSwap", (event) => {
  const listbox = event.detail.target;
  if (!(listbox instanceof HTMLElement) || listbox.getAttribute("role") !== "listbox") return;
  const input = document.querySelector(`[aria-controls="${listbox.id}"]`);
  if (input && document.activeElement === input) suggestions.open(input);
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-suggest")) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    suggestions.move(input, event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter" && suggestions.isOpen(input)) {
    const active = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    if (active) {
      // Enter chooses the suggestion; it must not submit the form.
      event.preventDefault();
      suggestions.choose(input, active);
    }
  } else if (event.key === "Escape" && suggestions.isOpen(input)) {
    event.preventDefault();
    suggestions.close(input);
  }
});

// mousedown, not click: the field keeps the focus, so focusout does not close the list first.
document.addEventListener("mousedown", (event) => {
  const option = event.target instanceof Element ? event.target.closest("[role=option]") : null;
  const listbox = option?.closest("[role=listbox]");
  if (!option || !listbox || option.getAttribute("aria-disabled") === "true") return;
  const input = document.querySelector(`[aria-controls="${listbox.id}"]`);
  if (!(input instanceof HTMLInputElement)) return;
  event.preventDefault();
  suggestions.choose(input, option);
});

document.addEventListener("focusout", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.hasAttribute("data-suggest")) {
    suggestions.close(input);
  }
});
