"""Printable documents (reportlab): the signed recommendation and its record copy, the
ratification of an urgent avis, the attendance certificate and the agenda.

None reads the identity table: the signed avis shows the patient by pseudonym, sex and age, as
at the meeting. The requesting team's copy for the hospital record is given the identity traits
by its caller, which has checked that the reader may see them.
"""

from filiere.meetings.pdf.agenda import agenda_filename, agenda_pdf
from filiere.meetings.pdf.certificate import CertificateFacts, attendance_certificate_pdf
from filiere.meetings.pdf.filenames import (
    avis_filename,
    ratification_filename,
    recommendation_filename,
)
from filiere.meetings.pdf.ratification import ratification_pdf
from filiere.meetings.pdf.recommendation import recommendation_pdf
from filiere.meetings.pdf.record_copy import IdentityTraits, RecordCopy

__all__ = [
    "CertificateFacts",
    "IdentityTraits",
    "RecordCopy",
    "agenda_filename",
    "agenda_pdf",
    "attendance_certificate_pdf",
    "avis_filename",
    "ratification_filename",
    "ratification_pdf",
    "recommendation_filename",
    "recommendation_pdf",
]
