"""Read a single-antigen-bead (SAB) result file and check its control beads.

Accepted CSV (comma, semicolon or tab separated; UTF-8, a BOM is fine; lines starting with "#"
and any preamble above the header row are skipped):

- the documented format, one row per bead: `bead,mfi`
  (`A*02:01,8500`; the control beads are written `NC` and `PC`);
- the flat exports of the vendor software, recognised by their column names (case, accents, spaces
  and punctuation ignored):
  - bead specificity: `bead`, `allele`, `allele specificity`, `specificity`, `specificité`,
    `antigen`, `antigène`, `hla` (the first allele of the cell is used; Bw4/Bw6 annotations are
    ignored);
  - MFI, first found in this order: `mfi`; normalised or background-corrected values
    (`normalized value`, `normalvalue`, `normalized mfi`, `mfi normalisée`, `bg adjusted`,
    `bg adj`, `mfi corrigée`) as HLA Fusion (One Lambda) and MATCH IT! (Immucor LIFECODES)
    export them; raw values (`raw value`, `rawdata`, `raw mfi`, `mfi brute`, `median`);
  - optional `sample`/`sample id`/`échantillon`: a file holding several sera is refused.

Every bead must be a known allele (`filiere.hla.catalogue`: the IPD-IMGT/HLA list when loaded,
else the shipped allele groups), once only (two rows of one two-field allele, or two negative or
positive controls, are refused), with an MFI ≥ 0 (a negative value is refused, line named: the
file is not the vendor export as the laboratory validated it, or its column is not an MFI).
Annotations in parentheses after the allele ("B*57:01 (Bw4)", as HLA Fusion writes them) are
ignored.

Control beads are rows whose specificity reads NC, NEG, negative control, contrôle négatif, témoin
négatif (negative) or PC, POS, positive control, contrôle positif, témoin positif (positive).

Control rule (`ControlRule`, defaults to be validated by the HLA laboratory): the run is rejected
when a control bead is missing, when the negative control exceeds 1,500 MFI (high background:
every bead would read falsely positive), or when the positive control is below 3,000 MFI (the
anti-IgG conjugate did not work: every bead would read falsely negative).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from filiere.hla.catalogue import AlleleCatalogue, default_catalogue
from filiere.hla.nomenclature import Allele, HlaParseError, PublicEpitope, parse_hla, split_tokens


class SabFormatError(ValueError):
    """A file that cannot be read; names the file, line and column."""

    def __init__(self, source: str, line: int | None, column: str | None, message: str) -> None:
        where = source
        if line is not None:
            where += f", ligne {line}"
        if column is not None:
            where += f", champ « {column} »"
        super().__init__(f"{where} : {message}")
        self.line = line
        self.column = column


class SabControlError(ValueError):
    """A run whose control beads fail: its results must not be used."""


@dataclass(frozen=True)
class Bead:
    allele: Allele
    mfi: int
    line: int = 0


@dataclass(frozen=True)
class ControlRule:
    negative_max: int = 1500
    positive_min: int = 3000


@dataclass(frozen=True)
class SabRun:
    beads: tuple[Bead, ...]
    negative_control: int | None
    positive_control: int | None
    mfi_column: str
    source: str

    def check_controls(self, rule: ControlRule | None = None) -> None:
        """Raise SabControlError when the run's control beads fail `rule`."""
        rule = rule or ControlRule()
        if self.negative_control is None:
            raise SabControlError(f"{self.source} : bille contrôle négatif (NC) absente")
        if self.positive_control is None:
            raise SabControlError(f"{self.source} : bille contrôle positif (PC) absente")
        if self.negative_control > rule.negative_max:
            raise SabControlError(
                f"{self.source} : contrôle négatif à {self.negative_control} MFI "
                f"(> {rule.negative_max}) : bruit de fond trop élevé, série rejetée"
            )
        if self.positive_control < rule.positive_min:
            raise SabControlError(
                f"{self.source} : contrôle positif à {self.positive_control} MFI "
                f"(< {rule.positive_min}) : série rejetée"
            )


def _norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


_BEAD_COLUMNS = (
    "bead",
    "allele",
    "allelespecificity",
    "specificity",
    "specificite",
    "antigen",
    "antigene",
    "hla",
)
_MFI_COLUMNS = (
    "mfi",
    "normalizedvalue",
    "normalvalue",
    "normalizedmfi",
    "mfinormalisee",
    "bgadjusted",
    "bgadj",
    "mficorrigee",
    "rawvalue",
    "rawdata",
    "rawmfi",
    "mfibrute",
    "median",
)
_SAMPLE_COLUMNS = ("sample", "sampleid", "sampleidname", "echantillon")
_NEGATIVE = {"nc", "neg", "negativecontrol", "controlenegatif", "temoinnegatif"}
_POSITIVE = {"pc", "pos", "positivecontrol", "controlepositif", "temoinpositif"}


def _find_header(rows: list[list[str]]) -> tuple[int, int, int, int | None, str] | None:
    for index, row in enumerate(rows[:40]):
        names = [_norm(cell) for cell in row]
        bead = next((names.index(c) for c in _BEAD_COLUMNS if c in names), None)
        mfi = next((names.index(c) for c in _MFI_COLUMNS if c in names), None)
        if bead is not None and mfi is not None:
            sample = next((names.index(c) for c in _SAMPLE_COLUMNS if c in names), None)
            return index, bead, mfi, sample, row[mfi].strip()
    return None


def _read_mfi(cell: str, source: str, line: int, column: str) -> int:
    text = re.sub(r"[\s\u00a0\u202f]", "", cell)
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise SabFormatError(source, line, column, f"MFI « {cell} » non numérique") from None
    if not math.isfinite(value):
        raise SabFormatError(source, line, column, f"MFI « {cell} » non numérique")
    if value < 0:
        raise SabFormatError(source, line, column, f"MFI négative « {cell} » : valeur ≥ 0 attendue")
    return round(value)


def _read_specificity(
    cell: str, source: str, line: int, column: str, catalogue: AlleleCatalogue
) -> Allele | str:
    norm = _norm(cell)
    if norm in _NEGATIVE:
        return "NC"
    if norm in _POSITIVE:
        return "PC"
    alleles: list[Allele] = []
    # "B*57:01 (Bw4)": the annotation in parentheses is ignored.
    for token in split_tokens(re.sub(r"\([^)]*\)", " ", cell).replace("/", " ")):
        try:
            parsed = parse_hla(token)
        except HlaParseError as error:
            raise SabFormatError(source, line, column, str(error)) from None
        if isinstance(parsed, PublicEpitope):
            continue
        if not isinstance(parsed, Allele) or parsed.is_group:
            raise SabFormatError(
                source, line, column, f"« {cell} » : une bille porte un allèle (A*02:01)"
            )
        alleles.append(parsed)
    if len(alleles) != 1:
        raise SabFormatError(source, line, column, f"« {cell} » : un allèle par bille attendu")
    unknown = catalogue.unknown(alleles[0])
    if unknown is not None:
        raise SabFormatError(source, line, column, unknown)
    return alleles[0]


def read_sab_text(
    text: str, source: str = "SAB", catalogue: AlleleCatalogue | None = None
) -> SabRun:
    """Return the beads and control values written in `text` (see the module docstring).

    Raises SabFormatError only.
    """
    catalogue = catalogue or default_catalogue()
    text = text.lstrip("\ufeff")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(";,\t", key=first.count) if first else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = _find_header(rows)
    if header is None:
        raise SabFormatError(source, None, None, "en-tête introuvable (colonnes bead et mfi)")
    start, bead_col, mfi_col, sample_col, mfi_name = header
    bead_name = rows[start][bead_col].strip()
    beads: list[Bead] = []
    negative: int | None = None
    positive: int | None = None
    seen: dict[str, int] = {}  # two-field allele (or NC/PC) → line
    samples: set[str] = set()
    # Line numbers count from the first line of the file, comments included.
    numbering = [
        n for n, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")
    ]
    for offset, row in enumerate(rows[start + 1 :], start=start + 1):
        line = numbering[offset] if offset < len(numbering) else offset + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(bead_col, mfi_col):
            raise SabFormatError(source, line, None, "colonnes manquantes")
        if sample_col is not None and sample_col < len(row) and row[sample_col].strip():
            samples.add(row[sample_col].strip())
        specificity = _read_specificity(row[bead_col], source, line, bead_name, catalogue)
        mfi = _read_mfi(row[mfi_col], source, line, mfi_name)
        key = specificity.key if isinstance(specificity, Allele) else specificity
        if key in seen:
            raise SabFormatError(
                source, line, bead_name, f"bille {key} en double (déjà ligne {seen[key]})"
            )
        seen[key] = line
        if specificity == "NC":
            negative = mfi
        elif specificity == "PC":
            positive = mfi
        elif isinstance(specificity, Allele):
            beads.append(Bead(specificity, mfi, line))
    if len(samples) > 1:
        raise SabFormatError(
            source, None, None, f"plusieurs sérums dans le fichier ({len(samples)})"
        )
    if not beads:
        raise SabFormatError(source, None, None, "aucune bille HLA")
    return SabRun(tuple(beads), negative, positive, mfi_name, source)


def read_sab_csv(path: Path | str, catalogue: AlleleCatalogue | None = None) -> SabRun:
    """Return the SAB run stored in the CSV file at `path`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = file.read_text(encoding="latin-1")
    return read_sab_text(text, source=file.name, catalogue=catalogue)
