#!/usr/bin/env python3
"""Builds the libphonenumber agreement corpus for RoutIQ's phone-number parser.

Writes Tests/TransformTests/Fixtures/phone-corpus.tsv: realistic clinic phone fields for the six regions
RoutIQ must get exactly right (AU, NZ, GB, IE, US, CA), written the ways clinics type them (external-apis.md
D.1: country-code digits without a plus, national formats with and without the trunk prefix, `+CC (0)`,
IDD prefixes, extensions, trailing words), plus foreign numbers and junk. For each input the expected result
is what Google's libphonenumber (Python port `phonenumbers`) gives with RoutIQ's rules applied on top:

- digits without `+`: first libphonenumber's national reading in the default region; if that is not a valid
  number, the same text read as international (a `+` put in front of its first digit); then, if the digits
  start with `00`, that `00` read as an international prefix;
- words around a number are notes, not vanity letters: the text is cut at the first letter after the
  number starts unless the letters introduce an extension (`ext 12`, `x12`, `#12`);
- a field with two or more number-like segments (6+ digits, separated by / , ; & | or words) yields the
  number only when every segment is the same valid number, and none otherwise;
- output only numbers libphonenumber's `is_valid_number` accepts, formatted E164.

Columns: region, input, expected E.164 (empty = no number), expected type, every E.164 that some reading of
the input makes valid (comma-separated; a parser that outputs anything else outputs a number libphonenumber
does not accept for that input).

Usage: pip install phonenumbers && python3 scripts/phone-corpus/generate.py [--per-region N] [--seed S]
"""
import argparse
import os
import random
import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

REGIONS = ["AU", "NZ", "GB", "IE", "US", "CA"]
FOREIGN = ["ID", "IN", "CN", "DE", "FR", "JP", "SG", "MY", "PH", "ZA", "BR", "IT", "ES", "NL", "VN", "TH",
           "HK", "KR", "US", "GB", "NZ", "AU", "IE", "CA", "AE", "CH", "SE", "MX", "AR", "FJ"]
TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line", PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile", PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate", PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip", PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager", PhoneNumberType.UAN: "uan", PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}
IDD = {"AU": "0011", "NZ": "00", "GB": "00", "IE": "00", "US": "011", "CA": "011"}
JUNK = ["n/a", "N/A", "none", "None", "-", "0", "TBA", "tba", "?", "unknown", "no phone", "ph after 5pm",
        "call work", "same as mum", "00", "x", ".", "see notes", "no mobile", "0000", "123", "NA"]
WORDS = ["(mum)", "(dad)", "mob", "(work)", "- wife", "(home)", "after 5pm", "(w)", "(h)", "text only",
         "preferred", "(partner)", "(old)"]
LEADERS = ["Ph: ", "Mob: ", "M ", "tel ", "Mobile ", "H: ", "W: "]
SEPARATORS = [" / ", "/", " or ", ", ", " & ", "; ", " | "]

SEGMENT_SPLIT = re.compile(r"[/,;&|\\\n\r]|[A-Za-z]+")


def digits_of(text):
    return "".join(ch for ch in text if ch.isdigit())


def e164(number):
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def try_parse(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


EXTENSION_MARKERS = ("extension", "extn", "ext", "ex", "x", "#")


def without_words(text):
    """RoutIQ reads words around a number as notes (`0491 570 156 (mum)`), where libphonenumber would read
    three or more letters as a vanity number. Cut the text at the first letter after the number starts,
    unless the letters introduce an extension, which libphonenumber handles itself."""
    first = next((i for i, ch in enumerate(text) if ch.isdigit() or ch == "+"), None)
    if first is None:
        return text
    for i in range(first, len(text)):
        ch = text[i]
        if ch.isascii() and (ch.isalpha() or ch == "#"):
            rest = text[i:].lower()
            if rest.startswith(EXTENSION_MARKERS) and any(c.isdigit() for c in rest):
                return text
            return text[:i]
    return text


def single_readings(text, region):
    """Every valid reading of a single-number text, in RoutIQ's order."""
    readings = []
    if "@" in text:
        return readings
    text = without_words(text)
    first = next((i for i, ch in enumerate(text) if ch.isdigit() or ch == "+"), None)
    if first is None:
        return readings
    has_plus = text[first] == "+"
    national = try_parse(text, region)
    if national is not None:
        readings.append(national)
    if not has_plus:
        international = try_parse(text[:first] + "+" + text[first:], region)
        if international is not None:
            readings.append(international)
        rest = text[first:]
        if digits_of(rest).startswith("00"):
            second = rest.index("0", 1)
            double_zero = try_parse(text[:first] + "+" + rest[second + 1:], region)
            if double_zero is not None:
                readings.append(double_zero)
    return readings


def expected(text, region):
    """(E.164 or "", type name, sorted valid candidates) per libphonenumber plus RoutIQ's rules."""
    parts = [p for p in SEGMENT_SPLIT.split(text) if len(digits_of(p)) >= 6]
    if len(parts) >= 2:
        firsts = []
        candidates = set()
        for part in parts:
            readings = single_readings(part, region)
            candidates.update(e164(n) for n in readings)
            firsts.append(readings[0] if readings else None)
        if all(n is not None for n in firsts) and len({e164(n) for n in firsts}) == 1:
            n = firsts[0]
            return e164(n), TYPE_NAMES[phonenumbers.number_type(n)], sorted(candidates)
        return "", "unknown", sorted(candidates)
    readings = single_readings(text, region)
    candidates = sorted({e164(n) for n in readings})
    if not readings:
        return "", "unknown", candidates
    return e164(readings[0]), TYPE_NAMES[phonenumbers.number_type(readings[0])], candidates


def random_valid(rng, region, types, attempts=400):
    """A random valid number of one of the types, sampled across the whole plan (not just example numbers)."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    for _ in range(attempts):
        kind = rng.choice(types)
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        keep = rng.choice([0, 1, 1, 2, 2, 3, 4])
        candidate = nsn[:keep] + "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
        number = try_parse("+%d%s" % (meta.country_code, candidate), None)
        if number is not None and phonenumbers.number_type(number) in (kind, PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return number
    return phonenumbers.example_number_for_type(region, types[0])


def spaced(text, rng):
    style = rng.random()
    if style < 0.5:
        return text
    groups = []
    i = 0
    while i < len(text):
        step = rng.choice([2, 3, 3, 4])
        groups.append(text[i:i + step])
        i += step
    return rng.choice([" ", "-", ".", " "]).join(groups)


def written_forms(rng, number, home_region):
    """One realistic way of writing a number, as a clinic's staff or patients would."""
    region = phonenumbers.region_code_for_number(number) or home_region
    cc = str(number.country_code)
    nsn = phonenumbers.national_significant_number(number)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = (meta.national_prefix or "") if meta else ""
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    forms = [
        (40, cc + nsn),  # CC digits without plus: the most common Cliniko form
        (18, national),
        (12, digits_of(national)),
        (8, international),
        (6, "+" + cc + nsn),
        (3, national.replace(" ", "-")),
        (2, "(" + digits_of(national)[:4] + ") " + digits_of(national)[4:]),
        (2, nsn),  # trunk prefix missing
        (2, "+" + cc + " (" + trunk + ") " + spaced(nsn, rng) if trunk else "+" + cc + " " + spaced(nsn, rng)),
        (2, IDD.get(home_region, "00") + " " + cc + " " + spaced(nsn, rng)),
        (1, "00" + cc + nsn),
        (2, spaced(cc + nsn, rng)),
        (2, national + " " + rng.choice(["ext 12", "x123", "#4", "ext. 7", "extension 22"])),
        (2, national + " " + rng.choice(WORDS)),
        (1, rng.choice(LEADERS) + national),
        (1, national + "  "),
        (1, "+" + cc + "-" + spaced(nsn, rng)),
        (1, national.replace(" ", ".")),
        (1, "(+" + cc + ") " + spaced(nsn, rng)),
        (1, cc + " " + trunk + nsn),  # CC digits followed by the trunk prefix, no plus
        (1, "+" + cc + trunk + nsn),
        (1, "\u00a0" + national + "\u00a0"),
        (1, national.replace(" ", "\u2013")),
    ]
    total = sum(weight for weight, _ in forms)
    pick = rng.uniform(0, total)
    for weight, text in forms:
        pick -= weight
        if pick <= 0:
            return text
    return forms[0][1]


def junk(rng, region):
    roll = rng.random()
    local = random_valid(rng, region, [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
    text = written_forms(rng, local, region)
    d = digits_of(text)
    if roll < 0.25:
        return rng.choice(JUNK)
    if roll < 0.35:
        name = rng.choice(["jane", "j.smith", "bob.k", "mary88", "tom"])
        return name + "@" + rng.choice(["gmail.com", "hotmail.com", "bigpond.com", "gmial.com"])
    if roll < 0.5:
        return d[:-rng.choice([1, 2, 3])]  # truncated
    if roll < 0.6:
        return d + rng.choice(["1", "23", "0"])  # extra digits
    if roll < 0.75:
        other = written_forms(rng, random_valid(rng, region, [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE]), region)
        return text + rng.choice(SEPARATORS) + other
    if roll < 0.8:
        return text + rng.choice(SEPARATORS) + text
    if roll < 0.9:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 16)))
    fictional = {
        "AU": ["0491 570 156", "0491570006", "(02) 5550 1234", "03 7010 1234", "0400000000", "61491570159"],
        "NZ": ["021 012 3456", "+64 21 123 4567", "09 555 0123", "6421234567"],
        "GB": ["07700 900123", "+44 7700 900456", "01632 960123", "020 7946 0123"],
        "IE": ["085 555 0123", "+353 1 555 0123", "01 234 5678"],
        "US": ["555-0100", "(555) 010-0123", "+1 555 0199", "202-555-0143", "1-800-555-0199"],
        "CA": ["555-0100", "(416) 555-0123", "+1 613 555 0199", "604-555-0143"],
    }
    return rng.choice(fictional[region])


def corpus(rng, region, count):
    lines = []
    mobile_fixed = [PhoneNumberType.MOBILE] * 6 + [PhoneNumberType.FIXED_LINE] * 3
    special = [PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST]
    for _ in range(count):
        roll = rng.random()
        if roll < 0.80:
            kinds = mobile_fixed if rng.random() < 0.95 else special
            if region in ("US", "CA"):
                kinds = [PhoneNumberType.FIXED_LINE] * 9 + [PhoneNumberType.TOLL_FREE]
            number = random_valid(rng, region, kinds)
            text = written_forms(rng, number, region)
        elif roll < 0.90:
            foreign = rng.choice(FOREIGN)
            number = random_valid(rng, foreign, [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
            style = rng.random()
            cc = str(number.country_code)
            nsn = phonenumbers.national_significant_number(number)
            if style < 0.45:
                text = cc + nsn
            elif style < 0.75:
                text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            elif style < 0.9:
                text = "+" + cc + nsn
            else:
                text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        else:
            text = junk(rng, region)
        text = text.replace("\t", " ").replace("\n", " ")
        e, kind, candidates = expected(text, region)
        lines.append("\t".join([region, text, e, kind, ",".join(candidates)]))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-region", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=20261126)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--output", default=os.path.join(root, "Tests/TransformTests/Fixtures/phone-corpus.tsv"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for region in REGIONS:
        lines.extend(corpus(rng, region, args.per_region))
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("# Generated by scripts/phone-corpus/generate.py with phonenumbers %s (seed %d).\n"
                  % (phonenumbers.__version__, args.seed))
        out.write("# region\tinput\texpected_e164\texpected_type\tvalid_readings\n")
        out.write("\n".join(lines) + "\n")
    valid = sum(1 for line in lines if line.split("\t")[2])
    print("wrote %d lines (%d with a number) to %s" % (len(lines), valid, args.output))


if __name__ == "__main__":
    main()
