"""Secrets named by a keyword: "my password is hunter2", "the PIN for my card is 4821", "api_key=...".

A keyword (password, PIN, API key, seed phrase, ...) is followed by a *connector* ("is", "was", ":", "=",
"'s", "to" after "set/changed ... to"), optionally after a short qualifier ("for my Gmail account", "I use
at work"), then by the value, which is what gets redacted. Each keyword family says what a value looks
like: a password is any word that does not describe it ("my password is too long" is not a secret), a code
has digits, a token is long, a phrase runs to the end of the sentence. Without a connector ("PIN 4821",
"password hunter2!") only values that look like codes or keys count.

Complexity: one literal alternation over the text, then a bounded window (``_WINDOW`` characters, at most
``_MAX_TOKENS`` tokens) per keyword hit; a value that runs past the window is covered to the end of its
run of non-space characters, and keyword hits inside an already covered value are skipped, so the whole
scan is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FAMILIES: dict[str, tuple[str, ...]] = {
    "password": ("password", "passwd", "passcode", "pwd", "pw", "login credentials", "credentials"),
    "phrase": ("passphrase", "pass phrase", "seed phrase", "recovery phrase", "secret phrase", "mnemonic",
               "seed words", "recovery words", "security answer"),
    "code": ("pin", "pin code", "pin number", "cvv", "cvv2", "cvc", "security code", "verification code",
             "access code", "door code", "gate code", "alarm code", "entry code", "lock code", "garage code",
             "unlock code", "backup code", "recovery code", "2fa code", "otp", "one-time code", "one time code",
             "combination", "account number", "card number", "credit card", "debit card", "ssn",
             "social security number", "social security", "national insurance number", "passport number",
             "tax id", "iban", "bank account", "code"),
    "token": ("api key", "apikey", "api secret", "api token", "access key", "access key id", "secret key",
              "secret access key", "access token", "auth token", "refresh token", "bearer token", "bearer",
              "token", "client secret", "private key", "encryption key", "license key", "product key",
              "secret", "session token", "webhook secret", "signing key"),
}
# Keywords too common to carry a value without a connector ("the secret ingredient", "a token gesture").
_NEEDS_CONNECTOR = {"pw", "pwd", "secret", "token", "combination", "credit card", "debit card", "bank account",
                    "social security", "credentials", "login credentials", "mnemonic", "iban", "code"}
# "code" alone is a secret only for what it opens ("the code for my garage is 4471"), not "my zip code is 90210".
_NOT_SECRET_CODES = _words("""zip postal post postcode area country dress source discount promo promotional coupon
qr bar morse colour color airport tax course class error status product ticker iso sort referral gift voucher
booking reservation confirmation tracking flight""")
_PREVIOUS_WORD = re.compile(r"([a-z]+)[ _-]?$")
_DIGIT = re.compile(r"\d")
_SEPARATORS = str.maketrans("", "", " _-")
_KIND = {word.translate(_SEPARATORS): kind for kind, words in _FAMILIES.items() for word in words}
_NO_SEPARATOR = {word.translate(_SEPARATORS): word for words in _FAMILIES.values() for word in words}
_ALTERNATIVES = sorted({w for words in _FAMILIES.values() for w in words}, key=len, reverse=True)
# Literal words joined by an optional space, underscore or dash ("api key", "api_key", "api-key", "apikey").
_KEYWORD = re.compile("(" + "|".join(re.escape(w).replace(r"\ ", "[ _-]?") for w in _ALTERNATIVES) + ")s?")

_WINDOW = 240
_MAX_TOKENS = 12
_TOKEN = re.compile(r"[:=]|[^\s:=]+")
_NONSPACE = re.compile(r"\S*")
_CONNECTORS = {"is", "was", "are", "were", "be", "equals", ":", "=", "-", "\u2013", "\u2014", "->", "'s",
               "\u2019s", "reads"}
_QUALIFIER_START = {"for", "to", "of", "on", "at", "with", "in", "into", "from", "i", "we", "you", "that",
                    "which", "he", "she", "they", "will", "would", "has", "have", "had", "should", "must",
                    "now", "still", "currently", "also", "always", "just", "then", "here", "there"}
_FILLERS = {"now", "still", "just", "actually", "currently", "set", "to", "simply", "literally", "always", "also",
            "probably", "basically", "changed", "updated", "now:", "always:"}
_STOP = _words("""
not no never too very so quite really pretty rather the a an my your his her our their its this that these
those it same different wrong incorrect correct right invalid valid expired expiring required needed necessary
weak strong long short secure insecure safe unsafe saved stored encrypted hashed hidden secret private public
changed reset set updated case sensitive case-sensitive still now also just being been easy hard simple
complicated complex good bad great fine ok okay working broken missing lost forgotten written somewhere in on
at for to of with and or but what which who how why when where something anything nothing everything unknown
empty blank there here ready due about like than more less over under displayed shown visible protected locked
unlocked compromised leaked stolen known shared sent yesterday today tomorrow asked mandatory optional enabled
disabled off available unavailable active inactive generated random stupid dumb annoying impossible difficult
terrible awful horrible unique reused all both either neither every each one none null usually always mine
yours printed stuck tricky tied linked attached used ending
""")
_TRAILING = ".,;!?)]}\"'\u201d\u2019>"
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}


def keyword_secrets(text: str, low: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` of each value given to a secret keyword; ``low`` is ``text`` in ASCII lower case."""
    covered = 0
    runs = _Runs(text)
    for match in _KEYWORD.finditer(low):
        start, end = match.span()
        if start < covered or (start and low[start - 1].isalnum()) or (end < len(low) and low[end].isalnum()):
            continue
        word = match.group(1).translate(_SEPARATORS)
        if word == "code" and (_DIGIT.search(low, end, end + _WINDOW) is None or _plain_code(low, start)):
            continue  # a code's value has digits: no digit ahead, nothing to read
        span = _value_after(runs, low, end, _KIND[word], bare_ok=_NO_SEPARATOR[word] not in _NEEDS_CONNECTOR)
        if span is not None:
            covered = span[1]
            yield span[0], span[1], _KIND[word]


def _plain_code(low: str, start: int) -> bool:
    """A "code" that opens nothing: a zip code, a dress code, a discount code (the word before it says so)."""
    before = _PREVIOUS_WORD.search(low, max(0, start - 24), start)
    return before is not None and before.group(1) in _NOT_SECRET_CODES


class _Runs:
    """The end of the run of non-space characters at a position, remembered for the run last measured: keyword
    hits come in order, so hits inside one long run (``pin=pin=pin=...``) measure it once, not once each."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = self.end = -1

    def end_of(self, start: int) -> int:
        if not self.start <= start < self.end:
            match = _NONSPACE.match(self.text, start)
            self.start, self.end = start, match.end() if match else start
        return self.end


def _value_after(runs: _Runs, low: str, pos: int, kind: str, *, bare_ok: bool) -> tuple[int, int] | None:
    """The span of the value given to the keyword that ends at ``pos``, or None."""
    if pos < len(low) and not low[pos].isspace() and low[pos] not in ":='\u2019":
        return None  # "password." "password," "password?" "(password)"
    matches = list(islice(_TOKEN.finditer(low, pos, pos + _WINDOW), _MAX_TOKENS))
    tokens = [m.span() for m in matches]
    words = [w if (w := m.group()) in _CONNECTORS else w.rstrip(",") for m in matches]
    at = _connector(words)
    if at is None:
        if bare_ok and words and kind in ("code", "password", "token"):
            return _value(runs, low, tokens, 0, kind, bare=True)
        return None
    return _value(runs, low, tokens, at, kind, bare=False)


def _connector(words: list[str]) -> int | None:
    """Index of the first value token after the connector, or None when the keyword is given no value."""
    if not words:
        return None
    if words[0] in _CONNECTORS:
        return 1
    if words[0] not in _QUALIFIER_START:
        return None
    for i, word in enumerate(words[1:7], 1):  # "for my Gmail account is", "I use at work is"
        if word in _CONNECTORS:
            return i + 1
        if word and word[-1] in ".!?;,":
            break
    return 1 if words[0] == "to" else None  # "I set my PIN to 4821", "changed my password to ..."


def _value(runs: _Runs, low: str, tokens: list[tuple[int, int]], at: int, kind: str, *,
           bare: bool) -> tuple[int, int] | None:
    text = runs.text
    fillers = 0
    while at < len(tokens) and fillers < 3 and low[tokens[at][0]:tokens[at][1]] in _FILLERS and not bare:
        at, fillers = at + 1, fillers + 1
    if at >= len(tokens):
        return None
    start, _ = tokens[at]
    if text.startswith("[redacted]", start):
        return None  # already redacted: redact() is idempotent
    span = _quoted(text, start) or _run(text, start, runs.end_of(start))
    if span is None:
        return None
    if kind == "phrase":
        span = (span[0], _sentence_end(text, span[0]))
    elif kind == "code" and not _quoted(text, start):
        span = _digit_groups(text, span, tokens[at + 1:])
    value = text[span[0]:min(span[1], span[0] + 64)]  # judged on its start: a value can be 100,000 characters
    return span if _accepts(kind, value, bare=bare) else None


def _quoted(text: str, start: int) -> tuple[int, int] | None:
    close = _QUOTES.get(text[start])
    if close is None:
        return None
    end = text.find(close, start + 1, start + 202)
    return (start + 1, end) if end > start + 1 else None


def _run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The run of non-space characters ``text[start:end]``, without its closing punctuation."""
    floor = max(start + 1, end - 8)  # bounded: hits inside one long run each strip it again
    while end > floor and text[end - 1] in _TRAILING:
        end -= 1
    if text[start] in "([{<" and end > start + 1:
        start += 1
    return (start, end) if any(c not in _TRAILING for c in text[start:start + 16]) else None


def _sentence_end(text: str, start: int) -> int:
    limit = min(len(text), start + 300)
    for i in range(start, limit):
        if text[i] in ".!?\n":
            return i
    return limit


def _digit_groups(text: str, span: tuple[int, int], rest: list[tuple[int, int]]) -> tuple[int, int]:
    """Extend a code over the digit groups that follow it ("4111 1111 1111 1111", "12 34 56")."""
    end = span[1]
    for a, b in rest[:6]:
        group = text[a:b].rstrip(_TRAILING)
        if a > end + 1 or not group or not all(c.isdigit() or c == "-" for c in group):
            break
        end = a + len(group)
    return span[0], end


def _accepts(kind: str, value: str, *, bare: bool) -> bool:
    """Whether ``value`` (its first 64 characters) looks like a value of this kind."""
    low = value.lower()
    if not value or low in _STOP:
        return False
    digits = sum(map(str.isdigit, value))
    letters = sum(map(str.isalpha, value))
    symbols = len(value) - digits - letters
    if kind == "code":
        return digits >= 3 and (not bare or all(c.isdigit() or c in " -" for c in value))
    if bare:
        return len(value) >= 6 and ((digits > 0 and letters > 0) or symbols > 0) and not value.endswith(":")
    if kind == "token":
        return len(value) >= 8 and (digits > 0 or len(value) >= 16)
    if kind == "phrase":
        return len(value) >= 6
    return len(value) >= 3
