from __future__ import annotations

import uuid

from ninja import Schema


class MembershipOut(Schema):
    centre_id: uuid.UUID
    centre_name: str
    role: str
    role_label: str


class MeOut(Schema):
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    title: str
    specialty: str
    rpps: str
    memberships: list[MembershipOut]
