from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class Role(StrEnum):
    ADMIN = "admin"  # front desk and clinic manager: schedules, bills, manages users
    PRACTITIONER = "practitioner"
    PATIENT = "patient"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'practitioner', 'patient')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: case-folded, so logins and uniqueness ignore case
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: argon2id hash, parameters included
    password_hash: Mapped[str] = mapped_column(sa.String(255), info={"secret": True})
    role: Mapped[str] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(default=True)
    #: bumped at logout and password change: cookies carrying an older value stop working
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    #: the patient record a patient user may see; None for staff
    patient = relationship("Patient", back_populates="user", uselist=False, lazy="joined",
                           foreign_keys="Patient.user_id")

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_patient(self):
        return self.role == Role.PATIENT

    @property
    def is_staff(self):
        return self.role in (Role.ADMIN, Role.PRACTITIONER)

    @property
    def is_practitioner(self):
        return self.role == Role.PRACTITIONER

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def __repr__(self):
        return f"<User {self.id} {self.role}>"
