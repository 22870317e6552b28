"""Reference data: back-pain diagnoses, acupuncture points, techniques and adverse events.

The point catalogue is stored in the `points` table (seeded by a migration) so clinics can
extend it; the short fixed lists stay in code.
"""

#: ICD-10-CM codes for the back pain a clinic sees. (M54.5 alone is invalid since Oct 2021.)
DIAGNOSES = [
    ("M54.50", "Low back pain, unspecified"),
    ("M54.51", "Vertebrogenic low back pain"),
    ("M54.59", "Other low back pain"),
    ("M54.40", "Lumbago with sciatica, unspecified side"),
    ("M54.41", "Lumbago with sciatica, right side"),
    ("M54.42", "Lumbago with sciatica, left side"),
    ("M54.16", "Radiculopathy, lumbar region"),
    ("M54.6", "Pain in thoracic spine"),
    ("M54.2", "Cervicalgia"),
    ("S39.012A", "Strain of muscle, fascia and tendon of lower back, initial encounter"),
]
DIAGNOSIS_LABELS = dict(DIAGNOSES)

REGIONS = [
    ("lumbar", "Lower back (lumbar)"),
    ("thoracic", "Upper back (thoracic)"),
    ("sciatica", "Sciatica"),
    ("lumbar_strain", "Lumbar strain"),
    ("muscular", "Muscle-related pain"),
    ("cervical", "Neck (cervical)"),
]

TECHNIQUES = [
    ("manual", "Manual needling"),
    ("electro", "Electroacupuncture (e-stim)"),
    ("acupressure", "Acupressure"),
    ("cupping", "Cupping"),
    ("moxibustion", "Moxibustion / heat"),
    ("tuina", "Tui na massage"),
]
ELECTROACUPUNCTURE = "electro"

ADVERSE_EVENTS = [
    ("soreness", "Soreness at a needle site"),
    ("bruising", "Bruising / haematoma"),
    ("bleeding", "Minor bleeding"),
    ("dizziness", "Dizziness or fainting"),
    ("stuck_needle", "Stuck needle"),
    ("infection", "Infection"),
    ("forgotten_needle", "Forgotten needle"),
    ("pneumothorax", "Pneumothorax"),
    ("other", "Other"),
]

SIDES = [("left", "Left"), ("right", "Right"), ("both", "Both"), ("midline", "Midline")]

#: Safety flags a point or technique can be cautioned for; matches Patient attributes.
PREGNANCY = "pregnancy"
BLEEDING = "bleeding"  # anticoagulants or a bleeding disorder
PACEMAKER = "pacemaker"
IMMUNOCOMPROMISED = "immunocompromised"

#: (code, pinyin name, English name, region, location, note, cautions)
POINTS = [
    ("GV3", "Yaoyangguan", "Lumbar Yang Gate", "lower back", "Midline below L4",
     "Lower back, sciatica", [PREGNANCY]),
    ("GV4", "Mingmen", "Gate of Life", "lower back", "Midline below L2", "Lower back", [PREGNANCY]),
    ("BL23", "Shenshu", "Kidney Shu", "lower back", "1.5 cun lateral to L2",
     "Lumbar and knee", [PREGNANCY]),
    ("BL25", "Dachangshu", "Large Intestine Shu", "lower back", "1.5 cun lateral to L4",
     "Lower back", [PREGNANCY]),
    ("BL52", "Zhishi", "Sea of Vitality", "lower back", "3 cun lateral to L2",
     "Older charts call it B-47", [PREGNANCY]),
    ("BL40", "Weizhong", "Command Point of the Back", "leg", "Centre of the knee crease",
     "Older charts: B-54", []),
    ("BL60", "Kunlun", "Kunlun Mountains", "foot", "Between ankle and Achilles tendon",
     "Caution in pregnancy", [PREGNANCY]),
    ("BL62", "Shenmai", "Extending Vessel", "foot", "Below the lateral malleolus",
     "Paired with SI3 for the spine", []),
    ("SI3", "Houxi", "Back Stream", "hand", "Ulnar side of the hand",
     "Paired with BL62 for the spine", []),
    ("GB30", "Huantiao", "Jumping Circle", "hip", "Buttock", "Sciatica", []),
    ("GB34", "Yanglingquan", "Yang Mound Spring", "leg", "Below the fibular head",
     "Sinews, leg", []),
    ("ST36", "Zusanli", "Leg Three Miles", "leg", "Four finger-widths below the kneecap",
     "General, knee and back", []),
    ("LI4", "Hegu", "Joining Valley", "hand", "Web of the thumb",
     "General pain; contraindicated in pregnancy", [PREGNANCY]),
    ("SP6", "Sanyinjiao", "Three Yin Intersection", "leg", "Inner leg above the ankle",
     "Contraindicated in pregnancy", [PREGNANCY]),
    ("BL67", "Zhiyin", "Reaching Yin", "foot", "Little toe",
     "Contraindicated in pregnancy", [PREGNANCY]),
    ("GB21", "Jianjing", "Shoulder Well", "shoulder", "Top of the shoulder",
     "Contraindicated in pregnancy; deep needling over the lung apex risks pneumothorax",
     [PREGNANCY]),
    ("CV6", "Qihai", "Sea of Qi", "abdomen", "Two finger-widths below the navel",
     "Abdominal: caution in pregnancy", [PREGNANCY]),
    ("EX-B2", "Huatuojiaji", "Hua Tuo's Paravertebral Points", "back",
     "0.5 cun lateral to the spinous processes", "Spine", []),
    ("Ashi", "Ashi", "Tender point", "anywhere", "Free location", "Record where", []),
]
ASHI = "Ashi"
