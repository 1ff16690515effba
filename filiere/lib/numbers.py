"""Numbers written the way French clinicians write them: a decimal comma (``159,0 G/L``).

Templates get this from Django's localisation; messages and texts built in Python do not, so
they go through ``french_number``. No thousands separator, as in the pages' tables.
"""

from __future__ import annotations

from decimal import Decimal


def french_number(
    value: int | float | Decimal,
    places: int | None = None,
    *,
    trim: bool = False,
    grouped: bool = False,
) -> str:
    """Return ``value`` with a decimal comma.

    A ``Decimal`` keeps the precision it was stored with (``Decimal("159.0")`` → ``159,0``), as
    the pages show it, unless ``trim`` drops its trailing zeros (``Decimal("0.30")`` → ``0,3``,
    for limits and doses); a float is written without trailing zeros (``400.0`` → ``400``,
    ``0.3`` → ``0,3``); ``places`` fixes the number of decimals instead. ``grouped`` separates
    the thousands with a narrow no-break space (``99 999``), as in a sentence.
    """
    if trim and places is None:
        text = f"{Decimal(str(value)).normalize():f}"
    elif places is not None:
        text = f"{Decimal(str(value)):.{places}f}"
    elif isinstance(value, float):
        text = f"{value:.15g}"
        if "e" in text:
            text = f"{Decimal(repr(value)):f}"
    else:
        text = str(value)
    text = text.replace(".", ",")
    if grouped:
        whole, comma, fraction = text.partition(",")
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        text = sign + f"{int(digits):,}".replace(",", "\u202f") + comma + fraction
    return text
