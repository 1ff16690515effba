"""Exports of registry data to national and European formats.

Pure mappings, with no Django import: each takes plain typed dataclasses, filled by an adapter
in the app that owns the models, and returns the exported document. ``sdm_mr`` writes the
national rare-disease minimum dataset (SDM-MR 2024.01, HL7 CDA R2); ``phenopackets`` writes
GA4GH Phenopackets v2 (JSON) for research.
"""
