"""The serum of a saved instruction read again, for the bead partial of its page."""

from __future__ import annotations

from django import template

from filiere.hla.antibodies import AntibodyProfile
from filiere.transfusion.domain import antibody_profile
from filiere.transfusion.models import TransfusionInstruction

register = template.Library()


@register.filter
def saved_profile(instruction: TransfusionInstruction) -> AntibodyProfile:
    """The instruction's serum read against its typing with its roll-up rule."""
    return antibody_profile(
        instruction.typing.typing, instruction.screen.beads.all(), instruction.rule
    )
