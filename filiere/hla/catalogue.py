"""Which HLA class I allele names exist, so that "A*99:99" is refused rather than read as A99.

Two levels, chosen by what is available:
- **the IPD-IMGT/HLA allele list** (`hla_nom.txt` of a release, e.g. shared/data/hla/imgt-3.58.0,
  read where it is: CC BY-ND): a name is known when its two-field name is a current (not deleted)
  allele or the prefix of one (A*02:01:01:01 makes A*02:01 and A*02 known);
- **without it** (a fresh install without ../shared), the allele groups of the serology table the
  project ships (the WHO dictionary of mhcgnomes, 70 class I groups, plus B*83, the one group of
  IPD-IMGT/HLA 3.58.0 with no serological assignment): the first field is checked, the second is
  not ("A*99:99" and "B*99:01" are refused, "A*02:999" is not). Every message names the list used.
Serological antigens are checked by `nomenclature.parse_hla` itself (WHO antigen names).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from filiere.hla.nomenclature import Allele, HlaCall, HlaParseError, Typing
from filiere.hla.serology import default_serology

# Class I allele groups of IPD-IMGT/HLA 3.58.0 absent from the WHO serology dictionary.
GROUPS_WITHOUT_SEROLOGY = ("B*83",)
_LOCI = {"A*": "A", "B*": "B", "C*": "C"}


@dataclass(frozen=True)
class AlleleCatalogue:
    groups: frozenset[str]  # "A*02"
    keys: frozenset[str]  # "A*02:01"; empty when only the groups are known
    source: str

    @property
    def complete(self) -> bool:
        """True when the two-field names are checked (an allele list is loaded)."""
        return bool(self.keys)

    def unknown(self, call: HlaCall) -> str | None:
        """Return why `call` is not a known allele (French), or None when it is (or an antigen)."""
        if not isinstance(call, Allele):
            return None
        group = f"{call.locus.value}*{call.fields[0]}"
        if group not in self.groups:
            return f"allèle HLA inconnu : « {call.name} » (groupe {group} absent de {self.source})"
        if self.complete and not call.is_group and call.key not in self.keys:
            return f"allèle HLA inconnu : « {call.name} » (absent de {self.source})"
        return None

    def check_typing(self, typing: Typing) -> None:
        """Raise HlaParseError naming every unknown allele of `typing`."""
        problems = [message for c in typing.calls if (message := self.unknown(c)) is not None]
        if problems:
            raise HlaParseError(" ; ".join(problems))


@lru_cache(maxsize=1)
def default_catalogue() -> AlleleCatalogue:
    """The allele groups of the shipped serology table (no allele list loaded)."""
    groups = {key.split(":")[0] for key in default_serology().alleles}
    groups.update(GROUPS_WITHOUT_SEROLOGY)
    return AlleleCatalogue(
        groups=frozenset(groups),
        keys=frozenset(),
        source="groupes alléliques du dictionnaire OMS fourni (liste d'allèles non chargée)",
    )


def read_hla_nom(lines: Iterable[str], source: str = "hla_nom.txt") -> AlleleCatalogue:
    """Return the current class I names of an IPD-IMGT/HLA `hla_nom.txt`.

    Rows: `Locus*;Name;Date assigned;Date deleted;Identical to;Reason`; deleted names (a date in
    the fourth field) are left out.
    """
    keys: set[str] = set()
    version = ""
    for line in lines:
        if line.startswith("#"):
            if "version:" in line:
                version = line.split("version:", 1)[1].strip()
            continue
        cells = line.rstrip("\r\n").split(";")
        if len(cells) < 4 or cells[0] not in _LOCI or cells[3].strip():
            continue
        fields = cells[1].rstrip("NLSCAQ").split(":")
        if len(fields) < 2:
            continue
        keys.add(f"{_LOCI[cells[0]]}*{fields[0]}:{fields[1]}")
    if not keys:
        raise ValueError(f"{source} : aucun allèle HLA de classe I")
    return AlleleCatalogue(
        groups=frozenset(k.split(":")[0] for k in keys),
        keys=frozenset(keys),
        source=f"{version or source} ({len(keys)} allèles de classe I à deux champs)",
    )


def load_hla_nom(folder: Path | str) -> AlleleCatalogue | None:
    """Return the list in `folder` (hla_nom.txt there or under `wmda/`), None when absent."""
    base = Path(folder)
    for candidate in (base / "hla_nom.txt", base / "wmda" / "hla_nom.txt"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8") as handle:
                return read_hla_nom(handle, source=candidate.name)
    return None
