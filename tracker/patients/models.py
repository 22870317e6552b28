from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class Patient(db.Model):
    __tablename__ = "patients"
    __table_args__ = (sa.Index("ix_patients_name", "last_name", "first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    date_of_birth: Mapped[date] = mapped_column(sa.Date)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    #: IANA name; reminder emails show times in this zone
    timezone: Mapped[str] = mapped_column(sa.String(64))
    preferred_practitioner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: the login this patient uses for the portal, if any
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)

    # Safety flags, checked when points and techniques are chosen for a visit.
    is_pregnant: Mapped[bool] = mapped_column(default=False)
    pregnancy_due_on: Mapped[date | None] = mapped_column(sa.Date)
    takes_anticoagulants: Mapped[bool] = mapped_column(default=False)
    has_bleeding_disorder: Mapped[bool] = mapped_column(default=False)
    has_pacemaker: Mapped[bool] = mapped_column(default=False)  #: pacemaker or ICD
    is_immunocompromised: Mapped[bool] = mapped_column(default=False)
    safety_notes: Mapped[str] = mapped_column(sa.Text, default="")

    #: when informed consent to needling was signed, and which version of the form
    consent_signed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))

    reminder_opt_in: Mapped[bool] = mapped_column(default=True)
    #: archived patients are hidden from lists and get no reminders; never deleted
    archived_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: optimistic lock: a save based on an older version is refused, never merged silently
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    user = relationship("User", back_populates="patient", foreign_keys=[user_id])
    preferred_practitioner = relationship("User", foreign_keys=[preferred_practitioner_id])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self):
        return f"{self.last_name}, {self.first_name}"

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def has_consent(self):
        return self.consent_signed_at is not None

    @property
    def safety_flags(self):
        """Human labels of the flags that apply, for badges and warnings."""
        flags = []
        if self.is_pregnant:
            due = f" (due {self.pregnancy_due_on:%d %b %Y})" if self.pregnancy_due_on else ""
            flags.append("Pregnant" + due)
        if self.takes_anticoagulants:
            flags.append("Anticoagulants")
        if self.has_bleeding_disorder:
            flags.append("Bleeding disorder")
        if self.has_pacemaker:
            flags.append("Pacemaker / ICD")
        if self.is_immunocompromised:
            flags.append("Immunocompromised")
        return flags

    def age_on(self, day):
        years = day.year - self.date_of_birth.year
        return years - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))

    def __repr__(self):
        return f"<Patient {self.id}>"


#: What patient search looks in: name, email and phone as one lower-cased string, so a
#: fragment is one LIKE per patient, and on PostgreSQL one trigram index finds it without
#: reading every patient. Search terms have no spaces, so none can match across fields.
SEARCH_TEXT = sa.func.lower(
    Patient.first_name + " " + Patient.last_name + " " + sa.func.coalesce(Patient.email, "")
    + " " + sa.func.coalesce(Patient.phone, ""))

sa.Index("ix_patients_search_trgm", SEARCH_TEXT.label("search_text"), postgresql_using="gin",
         postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql")

# create_all() (the test schema) needs the extension behind the trigram index first.
sa.event.listen(Patient.__table__, "before_create", sa.DDL(
    "CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
