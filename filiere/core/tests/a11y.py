"""What the browser accessibility tests share: the RGAA basics checked on a page (its language, a
skip link, a label for every field, an alternative for every image, text contrast of at least
4.5:1: WCAG 2.1 success criterion 1.4.3, RGAA 4.1 criterion 3.2) and keyboard navigation."""

from __future__ import annotations

from typing import Any

# Every visible field has a name a screen reader reads out: a <label>, aria-label or
# aria-labelledby (RGAA 11.1).
UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

IMAGES_WITHOUT_ALT = """() => [...document.querySelectorAll('img, [role=img]')]
  .filter(el => el.tagName === 'IMG' ? !el.hasAttribute('alt') : !el.getAttribute('aria-label'))
  .map(el => el.outerHTML)"""

# The contrast ratio of WCAG 2.1 (definitions « relative luminance » and « contrast ratio »),
# for each element holding text, against the first opaque background behind it.
LOW_CONTRAST = """() => {
  const channel = c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = el => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] === 1) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('main *, footer *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const fore = luminance(rgb(getComputedStyle(el).color));
    const back = luminance(background(el));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < 4.5) low.push(`${el.tagName} « ${text} » ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def rgaa_basics(page: Any) -> None:
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("a.skip-link[href='#contenu']").count() == 1
    assert page.locator("#contenu").count() == 1
    assert page.evaluate(UNLABELLED_FIELDS) == []
    assert page.evaluate(IMAGES_WITHOUT_ALT) == []
    assert page.evaluate(LOW_CONTRAST) == []


def focused(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.outerHTML"))


def tab_to(page: Any, selector: str, limit: int = 30) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab: {focused(page)}")
