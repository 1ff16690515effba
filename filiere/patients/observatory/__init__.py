"""The diagnosis observatory: diagnostic delay, dead ends and the national dataset's completeness,
counted from the registry (``figures``) and shown with charts, tables and CSV (``views``)."""
