from __future__ import annotations

import uuid

from ninja import Schema


class CentreOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    finess: str
    city: str
    region: str
    parent_id: uuid.UUID | None


class MemberOut(Schema):
    user_id: uuid.UUID
    name: str
    specialty: str
    role: str
    email: str


class CentreDetailOut(CentreOut):
    members: list[MemberOut]
