"""The continuing-education certificate of an attendee, laid out with the core PDF kit."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import build_document, paragraph_styles
from filiere.events.models import Registration


def _date(value: object) -> str:
    return date_format(timezone.localtime(value), "d/m/Y")  # type: ignore[arg-type]


def duration_label(registration: Registration) -> str:
    """« 1 h 30 » : the event's length, as the certificate states it."""
    event = registration.event
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    days = (timezone.localdate(event.ends_at) - timezone.localdate(event.starts_at)).days
    if days >= 1:
        return f"{days + 1} jours"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def certificate_pdf(registration: Registration) -> bytes:
    """Return the attendance certificate of a registrant marked present."""
    event = registration.event
    styles = paragraph_styles(body_size=11)
    start, end = _date(event.starts_at), _date(event.ends_at)
    dates = start if start == end else f"du {start} au {end}"
    where = "en ligne" if event.online and not event.place else event.place
    story = [
        Paragraph("Attestation de formation continue", styles["title"]),
        Spacer(1, 10 * mm),
        Paragraph("La filière de santé maladies rares MHEMO atteste que", styles["body"]),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>{escape(registration.name)}</b>", styles["body"]),
        Paragraph(
            escape(f"{registration.profession} — {registration.organisation}"), styles["body"]
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"a assisté à « {event.title} » ({event.get_kind_display().lower()}), "
                f"{dates}, {where}, d'une durée de {duration_label(registration)}."
            ),
            styles["body"],
        ),
        Spacer(1, 10 * mm),
        Paragraph(escape(f"Attestation délivrée le {_date(timezone.now())}."), styles["small"]),
        Paragraph(escape(f"Référence : {registration.public_id}"), styles["small"]),
    ]
    return build_document(story, title=f"Attestation — {event.title}", author="Filière MHEMO")
