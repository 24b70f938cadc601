"""Secrets in free text: passwords, PINs, API keys and tokens, card numbers, IBANs, SSNs, private keys.

One detector for the whole service. Extraction drops sentences that hold a secret; everything that leaves
the store as text for someone to read (the context of ``get_context``, session summaries, the text that is
embedded and full-text indexed, prompts sent to an LLM) goes through ``redact``, which replaces each secret
with ``[redacted]`` and keeps the rest of the sentence. Stored messages are never changed.

What is found:

* a secret named by a keyword and given a value: "my password is hunter2", "the password for my Gmail is
  ...", "pin: 4821", "PIN 4821", "I set my PIN to 4821", "api_key=...", "seed phrase is <words>.";
* well-known key formats, whatever surrounds them: OpenAI/Anthropic/Stripe ``sk-``/``sk_``/``rk_``/``pk_``
  keys, GitHub (``ghp_``, ``github_pat_`` ...), GitLab, Slack, Hugging Face, npm and Google API keys, AWS
  access key ids, JSON web tokens, PEM private-key blocks, the password of ``scheme://user:password@host``;
* numbers that check out: card numbers (13-19 digits, grouped or not, a card network's first digit and the
  Luhn check; not when labelled as an order, tracking or reference number), IBANs (country length and the
  mod-97 check), US social security numbers (``123-45-6789``, valid ranges).

Complexity: linear in the length of the text. Every regular expression is a literal alternation or a
single greedy character class with nothing after it that could fail (so it never backtracks more than a
constant), and each keyword hit is parsed within a bounded window.

Example::

    >>> redact("My password is hunter2 and my card is 4111-1111-1111-1111.")
    'My password is [redacted] and my card is [redacted].'
    >>> has_secret("The order number is 4111-2222-3333-4444, delivery on 2024-05-03."), has_secret("Hi!")
    (False, False)
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from ._secret_phrases import keyword_secrets

__all__ = ["REDACTED", "Secret", "find_secrets", "has_secret", "redact"]

REDACTED = "[redacted]"
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # ASCII only: keeps every offset
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_NO_DIGITS = str.maketrans("", "", string.digits)


@dataclass(frozen=True)
class Secret:
    """One secret found in a text: ``text[start:end]`` is the part to hide."""

    start: int
    end: int
    kind: str  # password, code, token, phrase, api_key, private_key, url_password, card, iban, ssn


def find_secrets(text: str) -> list[Secret]:
    """The secrets in ``text``, in order, overlapping ones merged. Linear in ``len(text)``.

    Example::

        >>> [(s.kind, "pin: 4821"[s.start:s.end]) for s in find_secrets("pin: 4821")]
        [('code', '4821')]
    """
    low = text.translate(_LOWER)
    found = [Secret(start, end, kind) for start, end, kind in keyword_secrets(text, low)]
    found += _key_formats(text, low)
    digits = len(text) - len(text.translate(_NO_DIGITS))
    if digits >= 9:
        found += _numbers(text, low)
    if digits >= 2:
        found += _ibans(text)
    return _merged(found)


def has_secret(text: str) -> bool:
    """True when ``text`` holds at least one secret.

    Example::

        >>> has_secret("my pin is 4821"), has_secret("I'm 34 and I live at 12 Baker Street")
        (True, False)
    """
    return bool(find_secrets(text))


def redact(text: str, replacement: str = REDACTED) -> str:
    """``text`` with every secret replaced by ``replacement``; the same string when it has none.

    Example::

        >>> redact("Deploy with GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 today")
        'Deploy with GITHUB_TOKEN=[redacted] today'
    """
    found = find_secrets(text)
    if not found:
        return text
    parts: list[str] = []
    at = 0
    for secret in found:
        parts += [text[at:secret.start], replacement]
        at = secret.end
    parts.append(text[at:])
    return "".join(parts)


def _merged(found: list[Secret]) -> list[Secret]:
    out: list[Secret] = []
    for secret in sorted(found, key=lambda s: (s.start, -s.end)):
        if out and secret.start <= out[-1].end:
            last = out[-1]
            if secret.end > last.end:
                out[-1] = Secret(last.start, secret.end, last.kind)
            continue
        out.append(secret)
    return out


# --- key formats ---------------------------------------------------------------------------------------------

# A prefix at the start of a token, then one greedy run: nothing follows that could make it backtrack.
_KEY = re.compile(
    r"(?<![A-Za-z0-9_-])(?:sk|rk|pk|gh[pousr]|github_pat|glpat|xox[abposr]|hf|npm|AKIA|ASIA|AIza)[-_A-Za-z0-9]+"
)
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+")
_JWT_REST = re.compile(r"\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_URL_PASSWORD = re.compile(r"(?<=://)[^\s/:@]{1,200}:[^\s/@]{1,200}@")
_KEY_HINTS = ("sk", "rk", "pk", "gh", "github_pat", "glpat", "xox", "hf_", "npm_", "akia", "asia", "aiza", "eyj",
              "://", "-----")


def _key_formats(text: str, low: str) -> Iterator[Secret]:
    for match in _AWS_SECRET.finditer(text):
        key = match.group()
        if any(c.isupper() for c in key) and any(c.islower() for c in key) and any(c.isdigit() for c in key):
            yield Secret(match.start(), match.end(), "api_key")  # an AWS secret access key: 40 base64 characters
    if not any(hint in low for hint in _KEY_HINTS):
        return
    for match in _KEY.finditer(text):
        if _is_key(match.group()):
            yield Secret(match.start(), match.end(), "api_key")
    for match in _JWT.finditer(text):
        rest = _JWT_REST.match(text, match.end())
        if rest is not None and len(match.group()) >= 10:
            yield Secret(match.start(), rest.end(), "api_key")
    for match in _URL_PASSWORD.finditer(text):
        colon = text.index(":", match.start())
        yield Secret(colon + 1, match.end() - 1, "url_password")
    yield from _private_keys(text)


def _is_key(token: str) -> bool:
    """Whether a token that starts with a known prefix has the shape of that provider's keys."""
    if token.startswith(("AKIA", "ASIA")):
        return len(token) == 20 and token.isalnum() and token.isupper()
    if token.startswith("AIza"):
        return len(token) == 39
    if token.startswith(("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "hf_", "npm_")):
        body = token.partition("_")[2]
        return len(body) >= 30 and body.isalnum()
    if token.startswith(("github_pat_", "glpat-")):
        return len(token) >= 26
    if token.startswith("xox"):
        return len(token) >= 15 and any(c.isdigit() for c in token)
    if token[:3] in ("sk-", "sk_", "rk_", "pk_", "rk-", "pk-"):
        body = token[3:]
        mixed = any(c.isdigit() or c.isupper() for c in body)  # not a snake_case identifier
        return sum(c.isalnum() for c in body) >= 16 and mixed
    return False


def _private_keys(text: str) -> Iterator[Secret]:
    at = text.find("-----BEGIN")
    while at >= 0:
        header_end = text.find("-----", at + 10)
        if header_end < 0:
            return
        if "PRIVATE KEY" in text[at:header_end]:
            end = text.find("-----END", header_end + 5)
            close = text.find("-----", end + 8) if end >= 0 else -1
            stop = len(text) if close < 0 else close + 5
            yield Secret(at, stop, "private_key")
            at = text.find("-----BEGIN", stop)
        else:
            at = text.find("-----BEGIN", header_end + 5)


# --- numbers: cards and social security numbers -----------------------------------------------------------

_GROUPS = re.compile(r"(?<![\w+.,/])\d+(?:[ -]\d+)*")  # groups of digits joined by one space or dash
_SEPARATOR = re.compile(r"[ -]")
_NOT_CARD = ("order", "tracking", "invoice", "reference", "ref", "confirmation", "booking", "ticket",
             "serial", "isbn", "phone", "call", "tel", "fax", "shipment", "parcel", "receipt", "transaction")
_CARD_LAYOUTS = {(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 2),
                 (4, 4, 4, 4, 1), (4, 4, 4, 4, 2)}


def _numbers(text: str, low: str) -> Iterator[Secret]:
    for match in _GROUPS.finditer(text):
        end = match.end()
        if end < len(text) and text[end].isalpha():
            continue  # part of a word or code ("12345ABC")
        raw = match.group()
        if len(raw) < 11:
            continue
        groups = _SEPARATOR.split(raw)
        if [len(g) for g in groups] == [3, 2, 4] and "-" in raw and _is_ssn(groups):
            yield Secret(match.start(), end, "ssn")
            continue
        yield from _cards(text, low, match.start(), groups)


def _cards(text: str, low: str, start: int, groups: list[str]) -> Iterator[Secret]:
    """Card numbers in a run of digit groups: the whole run, or a window of whole groups with a card layout."""
    label = low[max(0, start - 40):start]
    if any(word in label for word in _NOT_CARD) and "card" not in label:
        return
    offsets, lengths = [], [len(g) for g in groups]
    at = start
    for length in lengths:
        offsets.append(at)
        at += length + 1
    for i, length in enumerate(lengths):
        if length != 4:  # every grouped layout starts with four digits
            if 13 <= length <= 19 and _is_card(groups[i]):
                yield Secret(offsets[i], offsets[i] + length, "card")
            continue
        total = 0
        for j in range(i, min(len(groups), i + 6)):
            total += lengths[j]
            if total > 19:
                break
            if total >= 13 and tuple(lengths[i:j + 1]) in _CARD_LAYOUTS and _is_card("".join(groups[i:j + 1])):
                yield Secret(offsets[i], offsets[j] + lengths[j], "card")
                break


def _is_card(digits: str) -> bool:
    head = int(digits[:2])
    network = digits[0] in "3456" or 22 <= head <= 27
    return network and len(set(digits)) > 1 and _luhn(digits)


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if i % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_ssn(groups: list[str]) -> bool:
    area, group, serial = groups
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


# --- IBANs ---------------------------------------------------------------------------------------------------

_IBAN = re.compile(
    r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}(?![A-Z0-9])|(?: [A-Z0-9]{4}){2,8}(?: [A-Z0-9]{1,3})?)"
)
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def _ibans(text: str) -> Iterator[Secret]:
    upper = text.translate(_UPPER)  # "de89 3704 ..." written in lower case counts too
    for match in _IBAN.finditer(upper):
        raw = match.group()
        want = _IBAN_LENGTHS.get(raw[:2])
        if want is None:
            continue
        kept = _prefix_with(raw, want)
        if kept and _mod97(raw[:kept].replace(" ", "")):
            yield Secret(match.start(), match.start() + kept, "iban")


def _prefix_with(raw: str, characters: int) -> int:
    """Length of the shortest prefix of ``raw`` holding ``characters`` non-space characters (0: none)."""
    count = 0
    for i, char in enumerate(raw):
        count += char != " "
        if count == characters:
            return i + 1
    return 0


def _mod97(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1
