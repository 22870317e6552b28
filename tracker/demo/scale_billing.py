"""Synthetic billing for the scale loader: policies, charges split by the real engine,
payments and the odd write-off.

Charges come from `engine.visit_lines` and `engine.split_visit`, exactly as signing a
visit makes them (evaluation on the patient's first visit, e-stim codes, add-ons, the
plan year's deductible, then copay or coinsurance), so every total reconciles: billed =
insurer part + patient part on each row. Most patients pay their part on the day; insurers
pay each course's expected amount a month after its last visit.
"""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa

from tracker.billing import engine
from tracker.billing.models import Coverage, FeeRole, FeeScheduleEntry

PAYERS = ["Blue Harbor Health", "Pine State Mutual", "Atlantic Care Plan", "Harbor Union PPO"]
INSURED_SHARE, LINKED_SHARE, PAID_SHARE, WRITE_OFF_SHARE = 0.4, 0.8, 0.85, 0.01


def fee_lookup(connection):
    """Fee entries as `engine.visit_lines` expects them (see billing.charging.fee_lookup)."""
    fees = {}
    for entry in connection.execute(sa.select(FeeScheduleEntry.__table__)):
        if entry.role == FeeRole.ADDON:
            if entry.active and entry.technique:
                fees[("addon", entry.technique)] = entry
        else:
            fees[entry.role] = entry
    return fees


class BillingGenerator:
    def __init__(self, writer, tables, fees, rng, today, zone, admin_id):
        self.writer, self.t, self.fees, self.rng = writer, tables, fees, rng
        self.today, self.zone, self.admin_id = today, zone, admin_id

    def patient(self, patient, histories, insured=None):
        """Policies, charges and payments of one patient's courses (oldest first)."""
        insured = self.rng.random() < INSURED_SHARE if insured is None else insured
        policy = self._policy(patient, histories) if insured and histories else None
        deductible_used = defaultdict(int)  # (policy id, plan year start) -> cents
        first_visit = True
        for history in histories:
            course_policy = policy if policy and self.rng.random() < LINKED_SHARE else None
            if course_policy:
                self.writer.add(self.t.course_policies, {
                    "course_id": history.row["id"],
                    "insurance_policy_id": course_policy["id"]})
            insurer_due = 0
            for visit in history.visits:
                charges = self._charge_visit(visit, course_policy, deductible_used,
                                             first_visit)
                first_visit = False
                self._patient_payment(visit, charges)
                insurer_due += sum(charge["expected_insurer_cents"] for charge in charges)
            if course_policy and insurer_due and history.visits:
                self._insurer_payment(history, course_policy, insurer_due)

    def _policy(self, patient, histories):
        copay = self.rng.random() < 0.5
        policy = {
            "id": self.writer.next_id(self.t.insurance_policies), "patient_id": patient["id"],
            "payer_name": self.rng.choice(PAYERS),
            "member_id": f"M{self.rng.randint(10**8, 10**9 - 1)}",
            "group_number": f"G-{self.rng.randint(1000, 9999)}", "is_medicare": False,
            "plan_year_start_month": 1, "copay_cents": 2500 if copay else None,
            "coinsurance_percent": None if copay else 20,
            "deductible_cents": self.rng.choice([0, 25000, 50000]), "deductible_met_cents": 0,
            "visits_used_before": 0,
            "reported_on": histories[0].row["start_on"] - timedelta(days=7),
            "visit_limit": None, "authorization_number": "", "authorized_visits": None,
            "authorization_starts_on": None, "authorization_expires_on": None,
            "notes": "Verified by phone; acupuncture covered for low back pain.",
            "active": True, "created_at": histories[0].row["created_at"],
            "updated_at": histories[0].row["created_at"],
        }
        self.writer.add(self.t.insurance_policies, policy)
        return policy

    def _charge_visit(self, visit, policy, deductible_used, with_evaluation):
        service_on = visit["created_at"].astimezone(self.zone).date()
        lines = engine.visit_lines(self.fees, minutes=visit["face_to_face_minutes"],
                                   techniques=visit["techniques"],
                                   with_evaluation=with_evaluation)
        terms, coverage, year = engine.Terms(), Coverage.SELF_PAY, None
        if policy is not None:
            coverage = Coverage.INSURED
            year = engine.plan_year(service_on, policy["plan_year_start_month"])[0]
            terms = engine.Terms(
                deductible_left=policy["deductible_cents"] - deductible_used[policy["id"], year],
                copay_cents=policy["copay_cents"],
                coinsurance_percent=policy["coinsurance_percent"])
        results, left = engine.split_visit(lines, terms, coverage)
        if policy is not None:
            deductible_used[policy["id"], year] = policy["deductible_cents"] - left
        charges = [self._charge_row(visit, policy, line, line_coverage, split, service_on)
                   for line, line_coverage, split in results]
        for charge in charges:
            self.writer.add(self.t.charges, charge)
        return charges

    def _charge_row(self, visit, policy, line, coverage, split, service_on):
        return {
            "id": self.writer.next_id(self.t.charges), "patient_id": visit["patient_id"],
            "course_id": visit["course_id"], "visit_id": visit["id"],
            "practitioner_id": visit["practitioner_id"],
            "insurance_policy_id": policy["id"] if policy else None, "package_id": None,
            "code": line.code, "description": line.description, "units": line.units,
            "unit_price_cents": line.unit_price_cents, "billed_cents": split.billed,
            "expected_insurer_cents": split.insurer, "patient_cents": split.patient,
            "deductible_cents": split.deductible, "coverage": coverage,
            "service_on": service_on, "created_at": visit["signed_at"],
        }

    def _patient_payment(self, visit, charges):
        owed = sum(charge["patient_cents"] for charge in charges)
        if not owed:
            return
        roll = self.rng.random()
        if roll < PAID_SHARE:
            self._payment(charges[0], "patient", None, owed,
                          self.rng.choice(["card", "card", "hsa", "cash"]), "")
        elif roll < PAID_SHARE + WRITE_OFF_SHARE:
            self.writer.add(self.t.adjustments, {
                **self._ledger_columns(charges[0]), "id": self.writer.next_id(self.t.adjustments),
                "kind": "write_off", "side": "patient", "amount_cents": owed,
                "reason": "Hardship discount agreed with the clinic manager.",
                "adjusted_on": charges[0]["service_on"], "recorded_by_id": self.admin_id,
                "created_at": charges[0]["created_at"]})

    def _insurer_payment(self, history, policy, amount):
        last = history.visits[-1]
        received_on = last["created_at"].astimezone(self.zone).date() + timedelta(
            days=30)
        if received_on >= self.today:
            return  # the insurer has not paid yet
        row = {"patient_id": history.row["patient_id"], "course_id": history.row["id"],
               "visit_id": None, "practitioner_id": history.row["practitioner_id"],
               "service_on": received_on, "created_at": last["signed_at"] + timedelta(days=30)}
        self._payment(row, "insurer", policy["id"], amount, "eft",
                      f"EFT-{self.rng.randint(10**7, 10**8 - 1)}")

    def _payment(self, source, payer, policy_id, amount, method, reference):
        self.writer.add(self.t.payments, {
            **self._ledger_columns(source), "id": self.writer.next_id(self.t.payments),
            "payer": payer, "insurance_policy_id": policy_id, "method": method,
            "reference": reference, "received_on": source["service_on"],
            "amount_cents": amount, "recorded_by_id": self.admin_id,
            "created_at": source["created_at"]})

    @staticmethod
    def _ledger_columns(source):
        return {key: source[key] for key in ("patient_id", "course_id", "visit_id",
                                             "practitioner_id")}
