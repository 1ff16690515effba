"""Importing the HPO's French translation, and HPO search and labels in French and English."""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.nomenclature import demo, sources
from filiere.nomenclature.models import HpoFrenchLabel, HpoFrenchName, NomenclatureRelease
from filiere.nomenclature.selectors import hpo_search_terms, with_hpo_labels
from filiere.nomenclature.services import hpo_french_import_folder

pytestmark = pytest.mark.django_db

BABELON_HEADER = (
    "subject_id\tsource_language\ttranslation_language\tpredicate_id\tcomment\tsource_value"
    "\ttranslation_status\ttranslation_value"
)
SYNONYMS_HEADER = "subject_id\ttranslation_value\tcomment\tStatus\tLine number"


def babelon_row(hpo_id: str, predicate: str, english: str, status: str, french: str) -> str:
    return f"{hpo_id}\ten\tfr\t{predicate}\t\t{english}\t{status}\t{french}"


def write_translation(
    folder: Path,
    labels: list[str],
    synonyms: Sequence[tuple[str, str, str]] = (),
) -> Path:
    """Write a small translation folder: Babelon rows, and (id, synonyms, status) rows."""
    folder.mkdir(exist_ok=True)
    (folder / sources.HPO_FR_LABELS).write_text(
        "\n".join([BABELON_HEADER, *labels]) + "\n", encoding="utf-8"
    )
    rows = [SYNONYMS_HEADER, "ID\tAL oboInOwl:hasExactSynonym@fr\t\t\t"]
    rows += [
        f"{hpo_id}\t{text}\tsynonyms of {hpo_id}\t{status}\t1" for hpo_id, text, status in synonyms
    ]
    (folder / sources.HPO_FR_SYNONYMS).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


THROMBOPENIA = babelon_row(
    "HP:0001873", "rdfs:label", "Thrombocytopenia", "OFFICIAL", "Thrombopénie"
)
THROMBOPENIA_DEFINITION = babelon_row(
    "HP:0001873",
    "IAO:0000115",
    "A reduction in the number of circulating thrombocytes.",
    "OFFICIAL",
    "Diminution du nombre de plaquettes circulantes.",
)
EPISTAXIS = babelon_row("HP:0000421", "rdfs:label", "Epistaxis", "OFFICIAL", "Épistaxis")
SPLENOMEGALY = babelon_row("HP:0001744", "rdfs:label", "Splenomegaly", "OFFICIAL", "Splénomégalie ")
SPLENOMEGALY_AGAIN = babelon_row(
    "HP:0001744", "rdfs:label", "Splenomegaly", "OFFICIAL", "Splénomégalie minime"
)
# A label the translators have not reviewed yet is never shown.
PETECHIAE_CANDIDATE = babelon_row("HP:0000967", "rdfs:label", "Petechiae", "CANDIDATE", "Pétéchies")


@pytest.fixture
def translation(tmp_path: Path) -> Path:
    return write_translation(
        tmp_path / "hpo-fr",
        [
            THROMBOPENIA_DEFINITION,
            THROMBOPENIA,
            EPISTAXIS,
            SPLENOMEGALY,
            SPLENOMEGALY_AGAIN,
            PETECHIAE_CANDIDATE,
        ],
        [
            ("HP:0001873", "thrombopénie|Thrombocytopénie", "CANDIDATE"),
            ("HP:0000421", "Saignement de nez", "OFFICIAL"),
            ("HP:0000421", "Nosebleed", "NOT_TRANSLATED"),
            ("HP:0000967", "Pétéchie", "CANDIDATE"),
        ],
    )


def test_the_import_keeps_the_official_labels_and_the_french_synonyms(translation: Path) -> None:
    result = hpo_french_import_folder(actor=SYSTEM, folder=translation)

    assert not result.skipped
    assert result.release is not None
    assert result.release.system == NomenclatureRelease.System.HPO_FR
    assert result.release.added == 3
    labels = dict(HpoFrenchLabel.objects.values_list("hpo_id", "label"))
    assert labels == {
        "HP:0001873": "Thrombopénie",
        "HP:0000421": "Épistaxis",
        "HP:0001744": "Splénomégalie",
    }
    thrombopenia = HpoFrenchLabel.objects.get(hpo_id="HP:0001873")
    assert thrombopenia.definition == "Diminution du nombre de plaquettes circulantes."
    names = set(HpoFrenchName.objects.values_list("hpo_id", "name", "kind"))
    assert names == {
        ("HP:0001873", "Thrombopénie", "label"),
        # "thrombopénie" only differs by its case: one name is enough to find the term.
        ("HP:0001873", "Thrombocytopénie", "synonym"),
        ("HP:0000421", "Épistaxis", "label"),
        ("HP:0000421", "Saignement de nez", "synonym"),
        ("HP:0001744", "Splénomégalie", "label"),
        # The second official label of a term is searched, never shown as its label.
        ("HP:0001744", "Splénomégalie minime", "synonym"),
        # Proposed wordings find a term that has no official French label yet.
        ("HP:0000967", "Pétéchies", "synonym"),
        ("HP:0000967", "Pétéchie", "synonym"),
    }
    assert HpoFrenchName.objects.get(name="Saignement de nez").folded == "saignement de nez"


def test_importing_the_same_files_twice_changes_nothing(translation: Path) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)
    names = list(HpoFrenchName.objects.values_list("hpo_id", "name", "folded", "kind"))

    again = hpo_french_import_folder(actor=SYSTEM, folder=translation)

    assert again.skipped
    assert NomenclatureRelease.objects.filter(system="hpo-fr").count() == 1
    assert list(HpoFrenchName.objects.values_list("hpo_id", "name", "folded", "kind")) == names


def test_a_label_the_next_release_drops_becomes_obsolete_and_english_is_shown(
    translation: Path, tmp_path: Path
) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)
    newer = write_translation(tmp_path / "newer", [THROMBOPENIA])

    result = hpo_french_import_folder(actor=SYSTEM, folder=newer)

    assert result.release is not None
    assert (result.release.added, result.release.obsoleted) == (0, 2)
    assert HpoFrenchLabel.objects.get(hpo_id="HP:0000421").is_obsolete
    assert not HpoFrenchName.objects.filter(hpo_id="HP:0000421").exists()
    first = hpo_search_terms("epistaxis", language="fr")[0]
    assert (first.id, first.name, first.french) == ("HP:0000421", "Epistaxis", False)


def test_a_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "hpo-fr"
    folder.mkdir()
    (folder / sources.HPO_FR_LABELS).write_text("subject_id\tlabel\nHP:0001873\tx\n")

    with pytest.raises(sources.NomenclatureFileError, match="colonnes manquantes"):
        hpo_french_import_folder(actor=SYSTEM, folder=folder)
    assert not NomenclatureRelease.objects.exists()


def test_the_command_imports_a_folder_and_says_so(translation: Path) -> None:
    out = StringIO()
    call_command("nomenclature", "import-hpo-fr", str(translation), stdout=out)
    call_command("nomenclature", "import-hpo-fr", str(translation), stdout=out)

    assert "3 ajoutés" in out.getvalue()
    assert "Rien n'a changé" in out.getvalue()


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [
        ("thrombopénie", ("HP:0001873", "Thrombopénie", "")),
        ("THROMBOPENIE", ("HP:0001873", "Thrombopénie", "")),
        ("thrombocytopénie", ("HP:0001873", "Thrombopénie", "Thrombocytopénie")),
        # An English label still finds the term, shown in French.
        ("thrombocytopenia", ("HP:0001873", "Thrombopénie", "Thrombocytopenia")),
        ("saignement de nez", ("HP:0000421", "Épistaxis", "Saignement de nez")),
        ("hp:0000421", ("HP:0000421", "Épistaxis", "")),
    ],
)
def test_a_french_search_finds_french_labels_synonyms_and_english_labels(
    translation: Path, typed: str, expected_first: tuple[str, str, str]
) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)

    first = hpo_search_terms(typed, language="fr")[0]

    assert (first.id, first.name, first.matched) == expected_first
    assert first.french


def test_a_french_search_falls_back_to_english_for_a_term_without_french_label(
    translation: Path,
) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)

    terms = hpo_search_terms("petechiae", language="fr")

    assert (terms[0].id, terms[0].name, terms[0].french) == ("HP:0000967", "Petechiae", False)
    proposed = hpo_search_terms("pétéchies", language="fr")[0]
    assert (proposed.id, proposed.name, proposed.matched) == (
        "HP:0000967",
        "Petechiae",
        "Pétéchies",
    )


def test_exact_and_prefix_matches_come_first(translation: Path) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)

    ids = [term.id for term in hpo_search_terms("splenomegalie", language="fr")]

    assert ids[0] == "HP:0001744"


def test_an_english_search_stays_in_english(translation: Path) -> None:
    hpo_french_import_folder(actor=SYSTEM, folder=translation)

    terms = hpo_search_terms("thrombocytopenia", language="en")

    assert (terms[0].id, terms[0].name, terms[0].french) == (
        "HP:0001873",
        "Thrombocytopenia",
        False,
    )
    assert hpo_search_terms("saignement de nez", language="en") == []


def test_recorded_english_labels_are_shown_in_the_interface_language(translation: Path) -> None:
    from filiere.nomenclature.selectors import RecordedPhenotype

    class Observation:
        def __init__(self, hpo_id: str, hpo_label: str) -> None:
            self.hpo_id, self.hpo_label = hpo_id, hpo_label

    hpo_french_import_folder(actor=SYSTEM, folder=translation)
    observations: list[RecordedPhenotype] = [
        Observation("HP:0001873", "Thrombocytopenia"),
        Observation("HP:0000967", "Petechiae"),
    ]

    with CaptureQueriesContext(connection) as queries:
        french = with_hpo_labels(observations, language="fr")
    english = with_hpo_labels(observations, language="en")

    assert [label for _o, label in french] == ["Thrombopénie", "Petechiae"]
    assert [label for _o, label in english] == ["Thrombocytopenia", "Petechiae"]
    assert len(queries) == 1


def shared_translation() -> Path:
    folder = Path(settings.SHARED_DATA_DIR) / "nomenclature" / "hpo-fr"
    if not (folder / sources.HPO_FR_LABELS).is_file():
        pytest.skip("shared/data/nomenclature/hpo-fr absent")
    return folder


def test_the_official_french_translation_loads_and_is_searched() -> None:
    """The shared release (commit af70204, 2026-08-14): 12,376 terms with an official label.

    Its speed is not asserted here (a timed test fails on a busy machine, not on slow code)."""
    result = hpo_french_import_folder(actor=SYSTEM, folder=shared_translation())

    assert result.release is not None
    assert result.release.added == HpoFrenchLabel.objects.count() == 12376
    assert HpoFrenchLabel.objects.get(hpo_id="HP:0001873").label == "Thrombopénie"
    assert HpoFrenchName.objects.count() > 20000
    for typed in ("thrombopénie", "saignement", "plaquettaire", "anomalie"):
        assert hpo_search_terms(typed, language="fr")
    assert hpo_search_terms("thrombopenie", language="fr")[0].id == "HP:0001873"


def test_the_demo_loads_the_french_labels_when_the_shared_data_is_there() -> None:
    lines: list[str] = []
    ctx = DemoContext(seed=2026, size=1, report=lines.append)

    demo._hpo_french(ctx)
    demo._hpo_french(ctx)

    expected = 1 if (demo.hpo_french_folder() / sources.HPO_FR_LABELS).is_file() else 0
    assert NomenclatureRelease.objects.filter(system="hpo-fr").count() == expected
