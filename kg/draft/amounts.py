"""Quantities and money in a document's text, with units, currencies and magnitudes.

Pakistani and Russian reports write amounts their own ways: "Rs 2.5 billion", "$1bn",
"Rs 50 lakh", "5 crore rupees", "1,5 млрд долларов", "۳ ارب ڈالر". A curator writes each as
`{amount: N, unit: U}` or `{amount: N, currency: ISO}` (CONTRIBUTING.md); this module reads
the number, applies the magnitude and names the unit or currency in those same codes, with
the words it read, so the curator can check the arithmetic. "More than" and "up to" become
`min` and `max`, as the data writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.draft.dates import DIGITS

MAGNITUDES = {
    "thousand": 1e3,
    "k": 1e3,
    "тыс": 1e3,
    "тысяч": 1e3,
    "тысячи": 1e3,
    "ہزار": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "млн": 1e6,
    "миллион": 1e6,
    "миллиона": 1e6,
    "миллионов": 1e6,
    "ملین": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "млрд": 1e9,
    "миллиард": 1e9,
    "миллиарда": 1e9,
    "миллиардов": 1e9,
    "ارب": 1e9,
    "بلین": 1e9,
    "trillion": 1e12,
    "трлн": 1e12,
    "триллион": 1e12,
    "триллиона": 1e12,
    "کھرب": 1e11,
    "lakh": 1e5,
    "lac": 1e5,
    "lakhs": 1e5,
    "لاکھ": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "کروڑ": 1e7,
}
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "долларов": "USD",
    "доллара": "USD",
    "доллар": "USD",
    "долл": "USD",
    "ڈالر": "USD",
    "rs": "PKR",
    "pkr": "PKR",
    "rupees": "PKR",
    "rupee": "PKR",
    "روپے": "PKR",
    "روپیہ": "PKR",
    "rub": "RUB",
    "roubles": "RUB",
    "rubles": "RUB",
    "рублей": "RUB",
    "рубля": "RUB",
    "руб": "RUB",
    "₽": "RUB",
    "روبل": "RUB",
    "€": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "евро": "EUR",
    "یورو": "EUR",
    "yuan": "CNY",
    "cny": "CNY",
    "юаней": "CNY",
    "¥": "CNY",
}
UNITS = {
    "tonnes": "t",
    "tons": "t",
    "tonne": "t",
    "ton": "t",
    "tonnes per annum": "t/a",
    "tons per year": "t/a",
    "тонн": "t",
    "тонны": "t",
    "т": "t",
    "ٹن": "t",
    "mw": "MW",
    "megawatts": "MW",
    "megawatt": "MW",
    "мвт": "MW",
    "میگاواٹ": "MW",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "км": "km",
    "کلومیٹر": "km",
    "acres": "acre",
    "acre": "acre",
    "ایکڑ": "acre",
    "bcm": "bcm/a",
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "процентов": "percent",
    "процента": "percent",
    "فیصد": "percent",
    "barrels": "barrel",
    "баррелей": "barrel",
    "بیرل": "barrel",
    "years": "year",
    "year": "year",
    "лет": "year",
    "года": "year",
    "سال": "year",
    "inch": "inch",
    "inches": "inch",
    "дюймов": "inch",
}
_MIN_WORDS = r"more than|over|at least|above|exceeding|более|свыше|больше|не менее|سے زائد|زائد"
_MAX_WORDS = r"up to|as much as|less than|under|до|не более|تک"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIXES = [c for c in CURRENCIES if not c.isalpha() or len(c) <= 3]  # $, Rs, USD
_NUMBER = r"\d+(?:[ ,.\u00a0\u202f]\d{3})*(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?P<bound>(?:{_MIN_WORDS}|{_MAX_WORDS})\s+)?"
    rf"(?P<pre>(?:{_alternation(_PREFIXES)})\.?\s?)?"
    rf"(?P<num>{_NUMBER})(?:\s?(?:to|-|–|до|سے)\s?(?P<num2>{_NUMBER}))?\s?"
    rf"(?P<mag>(?:{_alternation(list(MAGNITUDES))})\.?(?![\w]))?\s?"
    rf"(?P<post>(?:{_alternation(list(CURRENCIES) + list(UNITS))})(?![\w]))?",
    re.IGNORECASE,
)


@dataclass
class AmountMention:
    """One amount: the words read, the value as the data writes it, and how it was read."""

    text: str
    value: dict[str, object]
    note: str
    start: int = 0


def _number(text: str) -> float | None:
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "").replace(" ", "")
    elif re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?", text):  # Russian: 1 500,5 / 1.500
        text = text.replace(" ", "").replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".").replace(" ", "")
    try:
        return float(text)
    except ValueError:
        return None


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount with a unit or a currency in the text (bare numbers are left out)."""
    plain = text.translate(DIGITS)
    found = []
    for match in _AMOUNT.finditer(plain):
        pre, post = (match.group("pre") or "").strip(" ."), (match.group("post") or "").strip()
        mag = (match.group("mag") or "").strip(" .").casefold()
        if mag in ("m", "b", "k") and not pre:
            mag = ""  # "5 m" is five metres or a typo more often than five million
        currency = CURRENCIES.get(pre.casefold()) or CURRENCIES.get(post.casefold())
        unit = None if currency else UNITS.get(post.casefold())
        if not currency and not unit:
            continue
        number = _number(match.group("num"))
        if number is None:
            continue
        if unit == "year" and (number >= 1000 or mag):  # "in 2025 years" is not a duration
            continue
        factor = MAGNITUDES.get(mag, 1.0) if mag else 1.0
        amount = number * factor
        value_amount: int | float = int(amount) if amount == int(amount) else round(amount, 6)
        key = "amount"
        bound = (match.group("bound") or "").strip().casefold()
        if bound:
            key = "min" if re.fullmatch(_MIN_WORDS, bound) else "max"
        value: dict[str, object] = {key: value_amount}
        upper = _number(match.group("num2")) if match.group("num2") else None
        if upper is not None and not bound:  # "1.1 to 5.0 million tonnes": a range
            top = upper * factor
            value = {"min": value_amount, "max": int(top) if top == int(top) else round(top, 6)}
        if currency:
            value["currency"] = currency
        else:
            value["unit"] = unit
        words = text[match.start() : match.end()].strip()
        how = f"{match.group('num')}" + (f" × {factor:g} ({mag})" if mag else "")
        how += f", {'currency ' + currency if currency else 'unit ' + str(unit)}"
        if bound:
            how += f"; '{bound}' read as {key}"
        found.append(AmountMention(words, value, f"'{words}': {how}", match.start()))
    return found
