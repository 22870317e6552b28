"""Clinic settings of billing: Medicare's acupuncture limits, overdue balances, forecasts."""

from tracker.clinic.settings import SettingSpec, register

register(
    SettingSpec("billing.evaluation_on_first_visit", True,
                "Charge the new-patient evaluation at a patient's first visit", kind=bool,
                section="Billing"),
    SettingSpec("billing.forecast_minutes", 30, "Face-to-face minutes assumed in cost forecasts",
                kind=int, minimum=8, maximum=120, section="Billing"),
    SettingSpec("billing.overdue_days", 30, "A patient balance is overdue after (days)",
                kind=int, minimum=1, maximum=365, section="Billing"),
    SettingSpec("medicare.initial_visits", 12, "Medicare: visits covered in the first period",
                kind=int, minimum=1, maximum=60, section="Medicare (NCD 30.3.3)",
                help="Chronic low back pain: up to 12 visits in 90 days."),
    SettingSpec("medicare.initial_days", 90, "Medicare: length of the first period (days)",
                kind=int, minimum=1, maximum=365, section="Medicare (NCD 30.3.3)"),
    SettingSpec("medicare.extra_visits", 8, "Medicare: more visits when improving",
                kind=int, minimum=0, maximum=60, section="Medicare (NCD 30.3.3)"),
    SettingSpec("medicare.max_visits_per_year", 20, "Medicare: most visits a year",
                kind=int, minimum=1, maximum=100, section="Medicare (NCD 30.3.3)"),
)
