"""Synthetic reminder outbox for the scale loader, in every status.

The rows are those the planning sweep would have made over the years, keyed the same way
(`tracker.reminders.planning`): a reminder a day before each appointment, a check-in a
day after each signed visit, follow-ups 14 and 90 days after each completed course and a
note after each missed appointment. Past ones were sent (a few failed, a few are stuck
in "sending" with an expired lease), those of cancelled appointments were cancelled, and
future ones are pending.
"""

from datetime import timedelta

FOLLOWUP_DAYS = (14, 90)
FAILED_SHARE = 0.005
#: one past reminder in this many is left "sending" under an expired lease
SENDING_EVERY = 1500
FAILURE = ("SMTPRecipientsRefused: (550, b'5.1.1 Recipient address rejected: "
           "User unknown')")


def time_tag(instant):
    return f"{instant:%Y%m%dT%H%MZ}"


class ReminderGenerator:
    def __init__(self, writer, table, rng, now):
        self.writer, self.table, self.rng, self.now = writer, table, rng, now
        self.past = 0

    def patient(self, patient, histories):
        if not patient["reminder_opt_in"] or not patient["email"]:
            return
        for history in histories:
            for appointment in history.appointments:
                self._for_appointment(appointment)
            for visit in history.visits:
                self._add(f"checkin:visit:{visit['id']}", "checkin", visit,
                          visit["signed_at"] + timedelta(hours=24), visit_id=visit["id"])
            ended = history.row["ended_at"]
            if history.row["status"] == "completed":
                for days in FOLLOWUP_DAYS:
                    self._add(f"followup:course:{history.row['id']}:{days}d", "followup",
                              history.row, ended + timedelta(days=days),
                              course_id=history.row["id"])

    def _for_appointment(self, appointment):
        starts_at = appointment["starts_at"]
        if appointment["status"] == "no_show":
            self._add(f"no_show:appointment:{appointment['id']}", "no_show", appointment,
                      starts_at + timedelta(minutes=45), appointment_id=appointment["id"])
            return
        key = f"appointment:{appointment['id']}:24h:{time_tag(starts_at)}"
        status = "cancelled" if appointment["status"] == "cancelled" else None
        self._add(key, "appointment", appointment, starts_at - timedelta(hours=24),
                  appointment_id=appointment["id"], status=status)

    def _add(self, key, kind, source, due_at, *, appointment_id=None, visit_id=None,
             course_id=None, status=None):
        row = {
            "id": self.writer.next_id(self.table), "dedupe_key": key, "kind": kind,
            "patient_id": source["patient_id"], "recipient_user_id": None,
            "appointment_id": appointment_id, "visit_id": visit_id,
            "course_id": course_id or source.get("course_id"),
            "due_at": due_at, "status": status or "pending", "attempts": 0,
            "next_attempt_at": due_at, "claimed_until": None, "claim_token": None,
            "last_error": None, "sent_at": None, "message_id": None,
            "created_at": min(due_at, self.now) - timedelta(days=2),
            "updated_at": min(due_at, self.now),
        }
        if status is None and due_at < self.now - timedelta(hours=1):
            self._past(row)
        self.writer.add(self.table, row)

    def _past(self, row):
        """A reminder whose time has passed: sent, or now and then failed or stuck."""
        self.past += 1
        row["message_id"] = f"<scale-{row['id']}@meridian.example.com>"
        if self.past % SENDING_EVERY == 1:
            row.update(status="sending", attempts=1,
                       claimed_until=row["due_at"] + timedelta(minutes=5),
                       claim_token=f"00000000-0000-4000-8000-{row['id']:012d}")
        elif self.rng.random() < FAILED_SHARE:
            row.update(status="failed", attempts=5, last_error=FAILURE)
        else:
            row.update(status="sent", attempts=1,
                       sent_at=row["due_at"] + timedelta(seconds=self.rng.randint(5, 600)))
