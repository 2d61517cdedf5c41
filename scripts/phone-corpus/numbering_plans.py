"""Compile libphonenumber's numbering-plan metadata into digit automata for RoutIQ.

Every national-number pattern of libphonenumber (one per number type and region) is a regular
expression over digits. This module turns them into one minimal deterministic automaton per
country calling code, whose accepting states carry the set of number types, so that Swift can
decide validity and type with one table lookup per digit and no regular expressions.
"""
import re
import sys

try:
    from re import _parser as sre_parse  # Python 3.11+
    from re import _constants as sre_c
except ImportError:  # pragma: no cover
    import sre_parse
    import sre_constants as sre_c

import phonenumbers
from phonenumbers import PhoneMetadata

# Order matters: libphonenumber's getNumberType checks types in this order.
TYPES = [
    ("premium_rate", 1 << 0),
    ("toll_free", 1 << 1),
    ("shared_cost", 1 << 2),
    ("voip", 1 << 3),
    ("personal_number", 1 << 4),
    ("pager", 1 << 5),
    ("uan", 1 << 6),
    ("voicemail", 1 << 7),
    ("fixed_line", 1 << 8),
    ("mobile", 1 << 9),
]


class NFA:
    def __init__(self):
        self.trans = []  # list of dict digit -> set
        self.eps = []
        self.accept = {}

    def new(self):
        self.trans.append({})
        self.eps.append([])
        return len(self.trans) - 1

    def edge(self, a, digits, b):
        for d in digits:
            self.trans[a].setdefault(d, set()).add(b)


def digits_of_in(items):
    out = set()
    negate = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            out.add(chr(av))
        elif op is sre_c.RANGE:
            for c in range(av[0], av[1] + 1):
                out.add(chr(c))
        elif op is sre_c.CATEGORY and av is sre_c.CATEGORY_DIGIT:
            out.update("0123456789")
        else:
            raise ValueError(f"unsupported class item {op} {av}")
    if negate:
        out = set("0123456789") - out
    return sorted(d for d in out if d in "0123456789")


def build(nfa, seq):
    """Builds a fragment for a sequence of parsed items; returns (start, end)."""
    start = nfa.new()
    cur = start
    for op, av in seq:
        s, e = build_item(nfa, op, av)
        nfa.eps[cur].append(s)
        cur = e
    return start, cur


def build_item(nfa, op, av):
    if op is sre_c.LITERAL:
        s, e = nfa.new(), nfa.new()
        nfa.edge(s, [chr(av)], e)
        return s, e
    if op is sre_c.IN:
        s, e = nfa.new(), nfa.new()
        nfa.edge(s, digits_of_in(av), e)
        return s, e
    if op is sre_c.SUBPATTERN:
        return build(nfa, av[-1])
    if op is sre_c.BRANCH:
        s, e = nfa.new(), nfa.new()
        for alt in av[1]:
            a, b = build(nfa, alt)
            nfa.eps[s].append(a)
            nfa.eps[b].append(e)
        return s, e
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
        lo, hi, sub = av
        s = nfa.new()
        cur = s
        for _ in range(lo):
            a, b = build(nfa, sub)
            nfa.eps[cur].append(a)
            cur = b
        if hi is sre_c.MAXREPEAT:
            a, b = build(nfa, sub)
            nfa.eps[cur].append(a)
            nfa.eps[b].append(cur)
            e = nfa.new()
            nfa.eps[cur].append(e)
            return s, e
        e = nfa.new()
        nfa.eps[cur].append(e)
        for _ in range(hi - lo):
            a, b = build(nfa, sub)
            nfa.eps[cur].append(a)
            cur = b
            nfa.eps[cur].append(e)
        return s, e
    raise ValueError(f"unsupported regex op {op}")


def closure(nfa, states):
    stack = list(states)
    seen = set(states)
    while stack:
        s = stack.pop()
        for t in nfa.eps[s]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return frozenset(seen)


def compile_dfa(patterns):
    """patterns: list of (regex, mask, lengths). Returns (transitions, accepts) of a minimal DFA.

    State 0 is the dead state, state 1 the start state. transitions[s][d] is the next state.
    """
    nfa = NFA()
    root = nfa.new()
    for regex, mask, lengths in patterns:
        s, e = build(nfa, sre_parse.parse(regex))
        # libphonenumber also requires the length to be one of the type's possible lengths.
        nfa.eps[root].append(s)
        nfa.accept.setdefault(e, []).append((mask, frozenset(lengths)))
    start = closure(nfa, [root])
    # Subset construction, tracking depth so that possible lengths can be enforced.
    index = {(start, 0): 1}
    order = [(start, 0)]
    trans = [[0] * 10, None]
    acc = [0, 0]  # state 0 is dead
    i = 0
    while i < len(order):
        cur, depth = order[i]
        i += 1
        sid = index[(cur, depth)]
        mask = 0
        for s in cur:
            for m, lengths in nfa.accept.get(s, []):
                if not lengths or depth in lengths:
                    mask |= m
        acc[sid] = mask
        row = [0] * 10
        for d in range(10):
            ch = str(d)
            nxt = set()
            for s in cur:
                nxt |= nfa.trans[s].get(ch, set())
            if not nxt or depth >= 17:
                continue
            key = (closure(nfa, nxt), depth + 1)
            if key not in index:
                index[key] = len(trans)
                trans.append(None)
                acc.append(0)
                order.append(key)
            row[d] = index[key]
        trans[sid] = row
    return minimize(trans, acc)


def minimize(trans, acc):
    n = len(trans)
    # Moore's partition refinement; state 0 (dead) stays 0.
    # The dead state 0 takes part like any other state, so that states from which no number can be
    # completed collapse into it.
    trans[0] = [0] * 10
    cls = [acc[s] for s in range(n)]
    while True:
        sig = {}
        new = [0] * n
        for s in range(n):
            key = (cls[s],) + tuple(cls[trans[s][d]] for d in range(10))
            new[s] = sig.setdefault(key, len(sig))
        if len(sig) == len(set(cls)):
            cls = new
            break
        cls = new
    # Renumber: dead -> 0, start -> 1, others in BFS order.
    mapping = {cls[0]: 0, cls[1]: 1}
    queue = [1]
    rep = {0: 0, 1: 1}
    while queue:
        s = queue.pop(0)
        for d in range(10):
            t = trans[s][d]
            c = cls[t]
            if c not in mapping:
                mapping[c] = len(mapping)
                rep[mapping[c]] = t
                queue.append(t)
    m = len(mapping)
    out_t = [[0] * 10 for _ in range(m)]
    out_a = [0] * m
    for new_id, old in rep.items():
        out_a[new_id] = acc[old]
        for d in range(10):
            out_t[new_id][d] = mapping[cls[trans[old][d]]]
    return out_t, out_a


def country_plan(cc):
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]
    patterns = []
    lengths = set()
    for r in regions:
        md = PhoneMetadata.metadata_for_region_or_calling_code(cc, r)
        if md is None:
            continue
        if md.general_desc and md.general_desc.possible_length:
            lengths |= {l for l in md.general_desc.possible_length if l > 0}
        for name, mask in TYPES:
            desc = getattr(md, name)
            if desc is None or not desc.national_number_pattern:
                continue
            pl = [l for l in (desc.possible_length or ()) if l > 0]
            if not pl and desc.possible_length == (-1,):
                continue
            if not pl:
                pl = [l for l in md.general_desc.possible_length if l > 0]
            patterns.append((desc.national_number_pattern, mask, pl))
    return patterns, sorted(lengths)


if __name__ == "__main__" and "--emit" not in sys.argv:
    total = 0
    for cc in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        pats, lengths = country_plan(cc)
        if not pats:
            continue
        t, a = compile_dfa(pats)
        total += len(t)
        if len(t) > 300:
            print(cc, phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc][:3], len(t), lengths)
    print("total states", total)


def simple_prefix(pattern):
    """Returns the pattern if it is a plain digit string, else None."""
    return pattern if pattern and pattern.isdigit() else None


def emit_swift(path):
    import base64
    import struct

    transitions = []  # global, state 0 dead
    accepts = []
    countries = []
    transitions.extend([0] * 10)
    accepts.append(0)
    for cc in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        pats, lengths = country_plan(cc)
        if not pats:
            continue
        t, a = compile_dfa(pats)
        base = len(accepts) - 1  # local state s (>=1) -> global base + s
        for s in range(1, len(t)):
            for d in range(10):
                nxt = t[s][d]
                transitions.append(base + nxt if nxt else 0)
            accepts.append(a[s])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]
        main = PhoneMetadata.metadata_for_region_or_calling_code(cc, regions[0])
        prefix = (main.national_prefix or "") if main else ""
        mask = 0
        for l in lengths:
            mask |= 1 << l
        countries.append((cc, base + 1, mask, prefix))
    assert len(accepts) < 65536
    regions = []
    for r in sorted(phonenumbers.SUPPORTED_REGIONS):
        md = PhoneMetadata.metadata_for_region(r)
        idd = simple_prefix(md.preferred_international_prefix) or simple_prefix(md.international_prefix) or ""
        regions.append((r, md.country_code, md.national_prefix or "", idd))
    t_b64 = base64.b64encode(struct.pack("<%dH" % len(transitions), *transitions)).decode()
    a_b64 = base64.b64encode(struct.pack("<%dH" % len(accepts), *accepts)).decode()

    def chunk(s, n=108):
        return "\n".join("        " + s[i:i + n] for i in range(0, len(s), n))

    type_doc = "\n    /// ".join(f"- {name} = {mask}" for name, mask in TYPES)
    with open(path, "w") as f:
        f.write("// swift-format-ignore-file\n")
        f.write("// Generated by scripts/phone-corpus/numbering_plans.py from the numbering-plan metadata of\n")
        f.write(f"// Google's libphonenumber (Python port `phonenumbers` {phonenumbers.__version__}, Apache License 2.0).\n")
        f.write("// Do not edit by hand: rerun `python3 scripts/phone-corpus/numbering_plans.py --emit`.\n\n")
        f.write("extension NumberingPlan {\n")
        f.write(f"    /// The libphonenumber metadata version these tables were compiled from.\n")
        f.write(f"    static let metadataVersion = \"{phonenumbers.__version__}\"\n\n")
        f.write("    /// One row per country calling code: the code, the automaton's start state, a bit mask of the\n")
        f.write("    /// possible national-number lengths (bit n set = length n possible) and the national prefix.\n")
        f.write("    static let countryRows:\n")
        f.write("        [(code: UInt16, start: UInt16, lengths: UInt32, nationalPrefix: StaticString)] = [\n")
        for cc, start, mask, prefix in countries:
            f.write(f"        ({cc}, {start}, 0x{mask:05X}, \"{prefix}\"),\n")
        f.write("    ]\n\n")
        f.write("    /// One row per region: ISO code, country calling code, national prefix, international prefix\n")
        f.write("    /// (empty when the region's prefix is not a single digit string).\n")
        f.write("    static let regionRows:\n")
        f.write("        [(region: StaticString, code: UInt16, nationalPrefix: StaticString, internationalPrefix: StaticString)] = [\n")
        for r, cc, np, idd in regions:
            f.write(f"        (\"{r}\", {cc}, \"{np}\", \"{idd}\"),\n")
        f.write("    ]\n\n")
        f.write(f"    /// Little-endian `UInt16` transitions, ten per state (digits 0-9); state 0 rejects.\n")
        f.write(f"    /// {len(accepts)} states.\n")
        f.write("    static let encodedTransitions = \"\"\"\n" + chunk(t_b64) + "\n        \"\"\"\n\n")
        f.write("    /// Little-endian `UInt16` number-type masks per state, one bit per type:\n")
        f.write(f"    /// {type_doc}\n")
        f.write("    static let encodedAccepts = \"\"\"\n" + chunk(a_b64) + "\n        \"\"\"\n")
        f.write("}\n")
    print(f"wrote {path}: {len(accepts)} states, {len(countries)} country codes, {len(regions)} regions")


if __name__ == "__main__" and "--emit" in sys.argv:
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    emit_swift(os.path.join(root, "Sources/Transform/PhoneNumbers/NumberingPlan+Tables.swift"))
