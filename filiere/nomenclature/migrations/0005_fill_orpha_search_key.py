"""Fill the search key of the ORPHA concepts already imported (later imports write it)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import migrations

_SEPARATORS = re.compile(r"[\s\-'’.,]+")


def _key(*parts: str) -> str:
    # A frozen copy of filiere.lib.names.search_key: a migration never imports app code.
    text = " ".join(part for part in parts if part)
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()[:601]


def fill(apps: Any, schema_editor: Any) -> None:
    concept_model = apps.get_model("nomenclature", "OrphaConcept")
    concepts = list(concept_model.objects.only("id", "name_fr", "name_en"))
    for concept in concepts:
        concept.search_key = _key(concept.name_fr, concept.name_en)
    concept_model.objects.bulk_update(concepts, ["search_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("nomenclature", "0004_orpha_search_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
