"""Pure clinical rules: scores and formulas, no Django."""
