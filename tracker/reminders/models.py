"""The reminder outbox and the single-use tokens behind check-in links.

A reminder is a row first and an email second: planning writes rows (idempotently, by
`dedupe_key`), dispatching claims due rows with a lease, sends, and marks them sent.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class ReminderKind:
    #: the appointment reminder (default 24 h before) and the optional second one (2 h)
    APPOINTMENT = "appointment"
    APPOINTMENT_SOON = "appointment_soon"
    #: "How is your back today?" a day after a signed visit
    CHECKIN = "checkin"
    #: pain score asked for weeks and months after a completed course
    FOLLOWUP = "followup"
    #: to the practitioner, when a course becomes due a plan review
    PLAN_REVIEW = "plan_review"
    #: after a missed appointment, offering to rebook
    NO_SHOW = "no_show"
    ALL = (APPOINTMENT, APPOINTMENT_SOON, CHECKIN, FOLLOWUP, PLAN_REVIEW, NO_SHOW)
    FOR_APPOINTMENT = (APPOINTMENT, APPOINTMENT_SOON)
    LABELS = {
        APPOINTMENT: "Appointment reminder",
        APPOINTMENT_SOON: "Second appointment reminder",
        CHECKIN: "Post-visit check-in",
        FOLLOWUP: "Course follow-up",
        PLAN_REVIEW: "Plan review alert",
        NO_SHOW: "Missed appointment",
    }


class ReminderStatus:
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ALL = (PENDING, SENDING, SENT, FAILED, CANCELLED)


def _in(column, values):
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_known")


class Reminder(db.Model):
    """One email to send once: to a patient, or to a practitioner for plan reviews."""

    __tablename__ = "reminders"
    __table_args__ = (
        _in("kind", ReminderKind.ALL),
        _in("status", ReminderStatus.ALL),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_reminders_status_next_attempt_at", "status", "next_attempt_at"),
        #: the outbox page reads each status in due order
        sa.Index("ix_reminders_status_due_at", "status", "due_at", "id"),
        sa.Index("ix_reminders_appointment_id", "appointment_id"),
        sa.Index("ix_reminders_patient_id", "patient_id"),
        sa.Index("ix_reminders_course_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what makes this reminder unique, e.g. "appointment:12:24h:20260329T0900Z"; planning
    #: twice, or in two processes, can never make a second row
    dedupe_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: the patient the email is about (and, except for plan reviews, sent to)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    #: the staff user it goes to instead of the patient (plan reviews); None for patients
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointments.id"))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"))
    #: when it should go out
    due_at: Mapped[object] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default=ReminderStatus.PENDING)
    #: sending attempts so far, counted when a dispatcher claims the row
    attempts: Mapped[int] = mapped_column(default=0)
    #: the earliest time a dispatcher may take it: due_at at first, later after a back-off
    next_attempt_at: Mapped[object] = mapped_column(UTCDateTime)
    #: lease of the dispatcher sending it; after this a row still "sending" is taken again
    claimed_until: Mapped[object | None] = mapped_column(UTCDateTime)
    #: random id of the claim, so only the dispatcher holding it can mark the outcome
    claim_token: Mapped[str | None] = mapped_column(sa.String(36))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)
    #: Message-ID header, fixed at the first claim and reused by every retry, so a message
    #: sent twice after a crash is recognisably the same message
    message_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    patient = relationship("Patient")
    recipient_user = relationship("User")
    appointment = relationship("Appointment")
    course = relationship("Course")
    visit = relationship("Visit")

    @property
    def kind_label(self):
        return ReminderKind.LABELS.get(self.kind, self.kind)

    def __repr__(self):
        return f"<Reminder {self.id} {self.kind} {self.status}>"


class CheckinPurpose:
    POST_VISIT = "post_visit"
    FOLLOWUP = "followup"
    ALL = (POST_VISIT, FOLLOWUP)


class CheckinToken(db.Model):
    """A single-use, expiring right to record one pain score without logging in.

    The link carries this id signed with the purpose as salt; the row decides whether
    it is still usable (expires_at, used_at).
    """

    __tablename__ = "checkin_tokens"
    __table_args__ = (
        _in("purpose", CheckinPurpose.ALL),
        sa.Index("ix_checkin_tokens_reminder_id", "reminder_id"),
    )

    #: secrets.token_urlsafe(32)
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    reminder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reminders.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    used_at: Mapped[object | None] = mapped_column(UTCDateTime)

    patient = relationship("Patient")
    course = relationship("Course")
    reminder = relationship("Reminder")
