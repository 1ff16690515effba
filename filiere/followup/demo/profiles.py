"""The demo's tables: interviewers per centre, ISTH-BAT and bleeding profiles per disease,
platelet counts."""

from __future__ import annotations

from filiere.clinical.isth_bat import Domain

INTERVIEWERS = {
    "crpp-marseille": "claire.martin",
    "crpp-bordeaux": "hugo.lefevre",
    "ccmr-lille": "ines.garnier",
}
# Domain score choices by bleeding profile (each list is drawn from uniformly).
D = Domain
BAT_PROFILES: dict[str, dict[Domain, tuple[int, ...]]] = {
    "severe_platelet": {
        D.EPISTAXIS: (2, 3, 3, 4),
        D.CUTANEOUS: (1, 2, 3),
        D.MINOR_WOUNDS: (0, 1, 2),
        D.ORAL_CAVITY: (2, 3, 3),
        D.GASTROINTESTINAL: (0, 0, 2),
        D.TOOTH_EXTRACTION: (0, 2, 3, 4),
        D.SURGERY: (0, 0, 3, 4),
        D.MENORRHAGIA: (3, 4),
        D.POSTPARTUM_HAEMORRHAGE: (0, 3, 4),
        D.MUSCLE_HAEMATOMAS: (0, 0, 1),
        D.OTHER: (0, 1, 2),
    },
    "mild_platelet": {
        D.EPISTAXIS: (0, 1, 2),
        D.CUTANEOUS: (0, 1, 1),
        D.ORAL_CAVITY: (0, 1),
        D.TOOTH_EXTRACTION: (0, 0, 1, 2),
        D.SURGERY: (0, 0, 1, 3),
        D.MENORRHAGIA: (0, 1, 2),
    },
    "haemophilia": {
        D.CUTANEOUS: (1, 2),
        D.TOOTH_EXTRACTION: (0, 2, 4),
        D.SURGERY: (0, 4),
        D.MUSCLE_HAEMATOMAS: (2, 3, 4),
        D.HAEMARTHROSIS: (2, 3, 4),
        D.CNS: (0, 0, 0, 3),
    },
    "mucocutaneous": {
        D.EPISTAXIS: (1, 2, 3),
        D.CUTANEOUS: (1, 2),
        D.ORAL_CAVITY: (1, 2),
        D.TOOTH_EXTRACTION: (0, 2, 3),
        D.MENORRHAGIA: (1, 2, 3),
        D.POSTPARTUM_HAEMORRHAGE: (0, 2, 3),
    },
}
PROFILE_BY_ORPHA = {849: "severe_platelet", 274: "severe_platelet", 98878: "haemophilia"}
SITES_BY_PROFILE = {
    "severe_platelet": ("epistaxis", "gingival", "cutaneous", "menorrhagia", "gastrointestinal"),
    "mild_platelet": ("epistaxis", "cutaneous", "gingival", "post_surgical"),
    "haemophilia": ("haemarthrosis", "haemarthrosis", "muscle", "cutaneous"),
    "mucocutaneous": ("epistaxis", "gingival", "menorrhagia", "cutaneous"),
}
# Platelet count (G/L) by disease: normal in Glanzmann, low in the thrombocytopenias.
PLATELETS = {849: (150, 350), 274: (20, 80), 182050: (30, 100), 906: (10, 60), 721: (40, 110)}
RFVIIA_JUSTIFICATION = (
    "Thrombasthénie de Glanzmann sans réfractarité aux transfusions plaquettaires : rFVIIa en "
    "première intention pour limiter le risque d'allo-immunisation (avis de RCP)."
)
