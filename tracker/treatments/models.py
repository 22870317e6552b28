"""Courses, appointments, visits and pain scores."""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


def pain_check(column):
    return sa.CheckConstraint(f"{column} BETWEEN 0 AND 10", name=f"{column}_0_to_10")


class CourseStatus:
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"
    ALL = (PLANNED, ACTIVE, COMPLETED, DISCONTINUED)
    OPEN = (PLANNED, ACTIVE)
    LABELS = {PLANNED: "Planned", ACTIVE: "Active", COMPLETED: "Completed",
              DISCONTINUED: "Discontinued"}


class AppointmentStatus:
    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    ALL = (BOOKED, COMPLETED, CANCELLED, NO_SHOW)
    LABELS = {BOOKED: "Booked", COMPLETED: "Attended", CANCELLED: "Cancelled",
              NO_SHOW: "No-show"}


class Course(db.Model):
    """A planned course of treatment (usually 6–12 sessions) for one back-pain problem."""

    __tablename__ = "courses"
    __table_args__ = (
        sa.CheckConstraint("status IN ('planned', 'active', 'completed', 'discontinued')",
                           name="status_known"),
        sa.CheckConstraint("planned_sessions BETWEEN 1 AND 60", name="planned_sessions_sane"),
        pain_check("baseline_pain"),
        pain_check("discharge_pain"),
        pain_check("baseline_peg_enjoyment"),
        pain_check("baseline_peg_activity"),
        sa.CheckConstraint("status != 'discontinued' OR discontinued_reason IS NOT NULL",
                           name="discontinued_has_reason"),
        sa.Index("ix_courses_patient_id", "patient_id"),
        sa.Index("ix_courses_practitioner_status", "practitioner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    practitioner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: ICD-10-CM code and its label at the time of planning (see catalogue.DIAGNOSES)
    diagnosis_code: Mapped[str] = mapped_column(sa.String(10))
    diagnosis_label: Mapped[str] = mapped_column(sa.String(120))
    #: back-pain region code from catalogue.REGIONS
    region: Mapped[str] = mapped_column(sa.String(20))
    planned_sessions: Mapped[int]
    #: sessions per week, optionally changing: "2" = twice weekly; "2x3,1" = twice weekly
    #: for 3 weeks, then weekly
    frequency: Mapped[str] = mapped_column(sa.String(40))
    start_on: Mapped[date] = mapped_column(sa.Date)
    goal: Mapped[str] = mapped_column(sa.Text, default="")
    #: pain NRS 0–10 at intake; the reference for every change
    baseline_pain: Mapped[int]
    #: PEG items at intake (the pain item is baseline_pain); optional
    baseline_peg_enjoyment: Mapped[int | None]
    baseline_peg_activity: Mapped[int | None]
    #: Oswestry answers at intake and discharge: ten section scores 0–5, None if skipped
    baseline_odi: Mapped[list | None] = mapped_column(sa.JSON)
    discharge_odi: Mapped[list | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default=CourseStatus.PLANNED)
    discontinued_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: pain NRS at discharge, asked for when the course is completed
    discharge_pain: Mapped[int | None]
    discharge_notes: Mapped[str] = mapped_column(sa.Text, default="")
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: optimistic lock: a save based on an older version is refused
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    patient = relationship("Patient")
    practitioner = relationship("User")
    appointments = relationship("Appointment", back_populates="course",
                                order_by="Appointment.starts_at")
    visits = relationship("Visit", back_populates="course", order_by="Visit.session_number")

    @property
    def is_open(self):
        return self.status in CourseStatus.OPEN

    @property
    def status_label(self):
        return CourseStatus.LABELS[self.status]

    @property
    def diagnosis(self):
        return f"{self.diagnosis_code} {self.diagnosis_label}"

    @property
    def region_label(self):
        from tracker.treatments.catalogue import REGIONS

        return dict(REGIONS).get(self.region, self.region)

    @property
    def frequency_label(self):
        from tracker.treatments.frequency import describe_frequency

        return describe_frequency(self.frequency)

    @property
    def signed_visits(self):
        return [visit for visit in self.visits if visit.signed_at is not None]

    #: signed sessions when a loader counted them in SQL (queries.count_sessions_done);
    #: None means "count the loaded visits"
    counted_sessions_done = None

    @property
    def sessions_done(self):
        if self.counted_sessions_done is not None:
            return self.counted_sessions_done
        return len(self.signed_visits)

    @property
    def sessions_remaining(self):
        return max(self.planned_sessions - self.sessions_done, 0)

    @property
    def session_label(self):
        """'Session n of N': n signed sessions of the N planned."""
        return f"Session {self.sessions_done} of {self.planned_sessions}"

    @property
    def live_appointments(self):
        """Appointments that count towards the course: booked or attended."""
        return [appointment for appointment in self.appointments
                if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)]

    def session_number_of(self, appointment):
        """The session an appointment is (or will be) in this course, counting in order."""
        if appointment.visit is not None and appointment.visit.session_number:
            return appointment.visit.session_number
        live = self.live_appointments
        return live.index(appointment) + 1 if appointment in live else None

    def __repr__(self):
        return f"<Course {self.id} {self.status}>"


class Appointment(db.Model):
    __tablename__ = "appointments"
    __table_args__ = (
        sa.CheckConstraint("status IN ('booked', 'completed', 'cancelled', 'no_show')",
                           name="status_known"),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_sane"),
        sa.Index("ix_appointments_practitioner_starts_at", "practitioner_id", "starts_at"),
        sa.Index("ix_appointments_patient_starts_at", "patient_id", "starts_at"),
        sa.Index("ix_appointments_course_id", "course_id"),
        sa.Index("ix_appointments_starts_at_status", "starts_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    practitioner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: None for a one-off appointment outside any course
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    starts_at: Mapped[object] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=45)
    status: Mapped[str] = mapped_column(sa.String(20), default=AppointmentStatus.BOOKED)
    #: shared by the appointments booked together as one series
    series_id: Mapped[str | None] = mapped_column(sa.String(36))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    cancelled_at: Mapped[object | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    patient = relationship("Patient")
    practitioner = relationship("User")
    course = relationship("Course", back_populates="appointments")
    visit = relationship("Visit", back_populates="appointment", uselist=False)

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_booked(self):
        return self.status == AppointmentStatus.BOOKED

    @property
    def status_label(self):
        return AppointmentStatus.LABELS[self.status]

    #: the session number when a loader worked it out in SQL (queries.number_sessions),
    #: 0 for none; None means "ask the course", which needs its appointments and visits
    numbered_session = None

    @property
    def session_label(self):
        """'Session n of N' for a course appointment; '' for a one-off."""
        if self.course is None:
            return ""
        number = (self.course.session_number_of(self) if self.numbered_session is None
                  else self.numbered_session)
        if not number:
            return ""
        return f"Session {number} of {self.course.planned_sessions}"

    def __repr__(self):
        return f"<Appointment {self.id} {self.status}>"


class Point(db.Model):
    """An acupuncture point of the catalogue (seeded from catalogue.POINTS)."""

    __tablename__ = "points"

    #: WHO standard code, e.g. "BL23"; "Ashi" for tender points
    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    english_name: Mapped[str] = mapped_column(sa.String(80))
    region: Mapped[str] = mapped_column(sa.String(40))
    location: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    #: safety flags this point is cautioned for, e.g. ["pregnancy"]
    cautions: Mapped[list] = mapped_column(sa.JSON, default=list)


class Visit(db.Model):
    """The clinical record of one attended appointment. Immutable once signed."""

    __tablename__ = "visits"
    __table_args__ = (
        pain_check("pain_before"),
        pain_check("pain_after"),
        sa.CheckConstraint("needles_in >= 0 AND needles_out >= 0", name="needles_counted"),
        sa.CheckConstraint("retention_minutes BETWEEN 0 AND 120", name="retention_sane"),
        sa.CheckConstraint("signed_at IS NULL OR needles_in = needles_out",
                           name="signed_needles_match"),
        sa.Index("ix_visits_course_session", "course_id", "session_number"),
        sa.Index("ix_visits_patient_id", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointments.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    practitioner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    #: 1 for the first signed visit of the course; set at signing
    session_number: Mapped[int | None]
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    #: technique codes from catalogue.TECHNIQUES
    techniques: Mapped[list] = mapped_column(sa.JSON, default=list)
    needles_in: Mapped[int] = mapped_column(default=0)
    needles_out: Mapped[int] = mapped_column(default=0)
    retention_minutes: Mapped[int] = mapped_column(default=20)
    #: face-to-face minutes with the practitioner (billing units), not retention time
    face_to_face_minutes: Mapped[int] = mapped_column(default=15)
    #: adverse event codes from catalogue.ADVERSE_EVENTS
    adverse_events: Mapped[list] = mapped_column(sa.JSON, default=list)
    adverse_event_notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: why e-stim was used despite a pacemaker/ICD (an explicit, recorded override)
    estim_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    subjective: Mapped[str] = mapped_column(sa.Text, default="")
    objective: Mapped[str] = mapped_column(sa.Text, default="")
    assessment: Mapped[str] = mapped_column(sa.Text, default="")
    plan: Mapped[str] = mapped_column(sa.Text, default="")
    #: acupressure the patient can do at home; shown in their portal
    home_plan: Mapped[str] = mapped_column(sa.Text, default="")
    signed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    appointment = relationship("Appointment", back_populates="visit")
    course = relationship("Course", back_populates="visits")
    patient = relationship("Patient")
    practitioner = relationship("User", foreign_keys=[practitioner_id])
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    points = relationship("VisitPoint", back_populates="visit", cascade="all, delete-orphan",
                          order_by="VisitPoint.id")
    amendments = relationship("Amendment", back_populates="visit", order_by="Amendment.id")

    @property
    def is_signed(self):
        return self.signed_at is not None

    @property
    def needles_match(self):
        return self.needles_in == self.needles_out

    @property
    def technique_names(self):
        from tracker.treatments.catalogue import TECHNIQUES

        labels = dict(TECHNIQUES)
        return [labels.get(code, code) for code in self.techniques or []]

    @property
    def adverse_event_names(self):
        from tracker.treatments.catalogue import ADVERSE_EVENTS

        labels = dict(ADVERSE_EVENTS)
        return [labels.get(code, code) for code in self.adverse_events or []]


class VisitPoint(db.Model):
    """A point needled in a visit, with its side and, when cautioned, the override reason."""

    __tablename__ = "visit_points"
    __table_args__ = (
        sa.CheckConstraint("side IN ('left', 'right', 'both', 'midline')", name="side_known"),
        sa.Index("ix_visit_points_visit_id", "visit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id"))
    point_code: Mapped[str] = mapped_column(sa.ForeignKey("points.code"))
    side: Mapped[str] = mapped_column(sa.String(10), default="both")
    #: where an ashi point is; empty for catalogue points
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    #: why the point was used despite a caution for this patient
    override_reason: Mapped[str | None] = mapped_column(sa.Text)

    visit = relationship("Visit", back_populates="points")
    point = relationship("Point")


class Amendment(db.Model):
    """A correction to a signed visit: the visit itself is never edited in place."""

    __tablename__ = "amendments"
    __table_args__ = (sa.Index("ix_amendments_visit_id", "visit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    #: {field: {"from": old value, "to": new value}}
    changes: Mapped[dict] = mapped_column(sa.JSON)

    visit = relationship("Visit", back_populates="amendments")
    author = relationship("User")


class CheckinSource:
    PORTAL = "portal"
    EMAIL = "email"
    ALL = (PORTAL, EMAIL)


class PainCheckin(db.Model):
    """A pain score the patient reported between or after visits."""

    __tablename__ = "pain_checkins"
    __table_args__ = (
        pain_check("pain"),
        pain_check("peg_enjoyment"),
        pain_check("peg_activity"),
        sa.CheckConstraint("source IN ('portal', 'email')", name="source_known"),
        sa.Index("ix_pain_checkins_course_recorded_at", "course_id", "recorded_at"),
        sa.Index("ix_pain_checkins_patient_recorded_at", "patient_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    #: pain NRS 0–10 (also the PEG pain item)
    pain: Mapped[int]
    peg_enjoyment: Mapped[int | None]
    peg_activity: Mapped[int | None]
    #: side effects reported after a visit: codes such as "bruising", "soreness", "dizziness"
    side_effects: Mapped[list] = mapped_column(sa.JSON, default=list)
    source: Mapped[str] = mapped_column(sa.String(10))

    patient = relationship("Patient")
    course = relationship("Course")


class CalendarFeed(db.Model):
    """A practitioner's private iCal feed: the URL's token, stored only as its SHA-256."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    #: hex SHA-256 of the random token in the feed URL; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
