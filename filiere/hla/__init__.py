"""HLA class I matching for platelet transfusion support; pure Python, no Django.

- `nomenclature`: reading typings (A*02:01, A2, B51(5), Cw7, Bw4…), `Typing`;
- `serology`, `imgt`: allele → antigen, broad ↔ split, Bw4/Bw6; IPD-IMGT/HLA importer;
- `sab`, `antibodies`: single-antigen-bead files, control beads, unacceptable antigens at T;
- `matching`, `grades`, `eplets`: donor compatibility, Duquesnoy grades and CREGs, eplets;
- `donors`, `pool`, `index`, `search`: donor records and CSV, synthetic pools, the in-memory
  index and the reference search of the dynamic instruction;
- `population`: cPRA from antigen or haplotype frequencies;
- `cli`: `filiere hla unacceptable|search`.
"""
