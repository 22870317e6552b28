"""The fee schedule every clinic starts with (seeded by migration 0006; admins edit prices).

Prices sit within the usual US ranges: $70–100 for a single visit, add-ons $15–50.
"""

#: (code, description, price in cents, role, technique, insurable)
FEE_SCHEDULE = [
    ("99203", "New patient evaluation (office visit, history and examination)", 9500,
     "evaluation", None, True),
    ("97810", "Acupuncture, first 15 minutes of one-on-one contact, without electrical "
              "stimulation", 7000, "initial", None, True),
    ("97811", "Acupuncture, each additional 15 minutes, with re-insertion, without electrical "
              "stimulation", 3000, "additional", None, True),
    ("97813", "Acupuncture, first 15 minutes of one-on-one contact, with electrical "
              "stimulation", 8000, "initial_estim", None, True),
    ("97814", "Acupuncture, each additional 15 minutes, with re-insertion, with electrical "
              "stimulation", 3500, "additional_estim", None, True),
    ("CUPPING", "Cupping (add-on)", 3000, "addon", "cupping", False),
    ("MOXA", "Moxibustion / heat therapy (add-on)", 2000, "addon", "moxibustion", False),
]


def fee_rows():
    return [
        {"code": code, "description": description, "price_cents": price, "role": role,
         "technique": technique, "insurable": insurable, "active": True}
        for code, description, price, role, technique, insurable in FEE_SCHEDULE
    ]
