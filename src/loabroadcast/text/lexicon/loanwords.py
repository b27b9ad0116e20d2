"""Loanwords and names in their Vietnamese pronunciation, and well-known initialisms.

``LOANWORDS`` keys are lower case and matched whatever the case of the text
("COVID", "Covid" and "covid" are all "cô vít"). Each reading is written in
Vietnamese syllables, so that no engine switches to English on it (espeak-ng reads
"video", "online", "Rubella" and "chip" as English words otherwise).

``LETTER_WORDS`` are initialisms everybody knows by their letters (HIV, ATM, GPS):
they are spelled with the Vietnamese letter names like any acronym, but not
reported as unknown.
"""

from __future__ import annotations

LOANWORDS: dict[str, str] = {
    # health
    "covid": "cô vít",
    "pc-covid": "pê xê cô vít",
    "sars-cov-2": "sát cô vi hai",
    "sars": "sát",
    "aids": "ết",
    "omicron": "ô mi crôn",
    "delta": "đen ta",
    "rubella": "ru bê la",
    "vaccine": "vắc xin",
    "vacxin": "vắc xin",
    "virus": "vi rút",
    "test": "tét",
    "oxy": "ô xi",
    "vitamin": "vi ta min",
    "insulin": "in su lin",
    "clo": "cờ lo",
    "cloramin": "cờ lo ra min",
    "cloramine": "cờ lo ra min",
    "paracetamol": "pa ra xê ta mon",
    "abate": "a ba tê",
    # communication and devices
    "chip": "chíp",
    "internet": "in tơ nét",
    "online": "on lai",
    "offline": "óp lai",
    "email": "i meo",
    "e-mail": "i meo",
    "gmail": "gờ meo",
    "mail": "meo",
    "website": "oép sai",
    "web": "oép",
    "wifi": "oai phai",
    "wi-fi": "oai phai",
    "video": "vi đê ô",
    "clip": "clíp",
    "camera": "ca mê ra",
    "radio": "ra đi ô",
    "tivi": "ti vi",
    "tv": "ti vi",
    "smartphone": "xmát phôn",
    "app": "áp",
    "file": "phai",
    "fax": "phách",
    "hotline": "hót lai",
    "zalo": "da lô",
    "facebook": "phây búc",
    "fanpage": "phen pết",
    "youtube": "du túp",
    "tiktok": "tích tốc",
    "google": "gu gồ",
    "iphone": "ai phôn",
    "laptop": "láp tóp",
    "logo": "lô gô",
    "ok": "ô kê",
    "id": "ai đi",
    "vneid": "vê en e ai đi",
    "vssid": "vê ét ét ai đi",
    "viettel": "vi ét ten",
    "vinaphone": "vi na phôn",
    "mobifone": "mô bi phôn",
    "vnpost": "vê en pốt",
    # public life
    "panô": "pa nô",
    "pano": "pa nô",
    "container": "công ten nơ",
    "gas": "ga",
    "tour": "tua",
    "show": "sô",
    "photo": "phô tô",
    "photocopy": "phô tô cóp pi",
    "voucher": "vâu chơ",
    "euro": "ơ rô",
    "asean": "a xê an",
    "ocop": "ô cốp",
    "unicef": "u ni xép",
    "unesco": "u nét xcô",
    "nato": "na tô",
    "apec": "a pếch",
    "fifa": "phi pha",
    "vietgap": "việt gáp",
    "globalgap": "glô bồn gáp",
}

LETTER_WORDS: frozenset[str] = frozenset(
    {
        *("HIV", "WHO", "ODA", "FDI", "GDP", "EVN", "VNPT", "SMS", "ATM", "USB", "GPS"),
        *("QR", "PCR", "ADN", "DNA", "CDC", "ICU", "VTV", "VOV", "THVN", "PC", "CPU"),
        *("ASF", "VAT", "IT", "AI", "UTC", "IP", "SOS", "MRI", "GMT", "SIM", "ETC", "CNG"),
    }
)
