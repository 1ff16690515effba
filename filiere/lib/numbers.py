"""Numbers written the way French clinicians write them: a decimal comma (``159,0 G/L``).

Templates get this from Django's localisation; messages and texts built in Python do not, so
they go through ``french_number``. No thousands separator, as in the pages' tables.
"""

from __future__ import annotations

from decimal import Decimal


def french_number(value: int | float | Decimal, places: int | None = None) -> str:
    """Return ``value`` with a decimal comma.

    A ``Decimal`` keeps the precision it was stored with (``Decimal("159.0")`` → ``159,0``), as
    the pages show it; a float is written without trailing zeros (``400.0`` → ``400``,
    ``0.3`` → ``0,3``); ``places`` fixes the number of decimals instead.
    """
    if places is not None:
        text = f"{Decimal(str(value)):.{places}f}"
    elif isinstance(value, float):
        text = f"{value:.15g}"
        if "e" in text:
            text = f"{Decimal(repr(value)):f}"
    else:
        text = str(value)
    return text.replace(".", ",")
