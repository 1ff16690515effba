"""Write an ``SdmMrDocument`` as an SDM-MR 2024.01 HL7 CDA R2 document.

The structure (template ids, section and entry codes, their order) follows the official
2024.01 examples of the ANS test kit; optional sections are left out when empty.
Identifiers of entries the registry does not identify (a status, a gene line…) are UUIDs
derived from their parent's id, so that exporting the same data twice gives the same
document.
"""

from __future__ import annotations

from filiere.exports.sdm_mr.diagnoses import diagnoses_section
from filiere.exports.sdm_mr.header import header
from filiere.exports.sdm_mr.model import SdmMrDocument
from filiere.exports.sdm_mr.sections import (
    activities_section,
    care_plan_section,
    dossier_section,
    family_section,
    problems_section,
    research_section,
)


def render_sdm_mr(doc: SdmMrDocument) -> bytes:
    """Return the SDM-MR 2024.01 CDA document of one patient, UTF-8 encoded."""
    parts = [header(doc), "<component><structuredBody>\n", dossier_section(doc)]
    if doc.index_case is not None:
        parts.append(family_section(doc, doc.index_case))
    parts.append(problems_section(doc))
    if doc.care_episodes:
        parts.append(care_plan_section(doc))
    if doc.activities:
        parts.append(activities_section(doc))
    if doc.diagnoses:
        parts.append(diagnoses_section(doc))
    if doc.research is not None and not doc.research.is_empty:
        parts.append(research_section(doc, doc.research))
    parts.append("</structuredBody></component></ClinicalDocument>\n")
    return "".join(parts).encode("utf-8")
