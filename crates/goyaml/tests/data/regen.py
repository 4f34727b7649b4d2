#!/usr/bin/env python3
"""Regenerates the golden files under tests/data/golden from the real helm.

Usage (from the repository root):
    HELM=$(scripts/helm-oracle) python3 crates/goyaml/tests/data/regen.py

Every expected output comes from helm v4.3.1, never from our own code. Each
case's input is written next to its outputs, so `cargo test` needs neither
helm nor this script.

Suites (one directory each under golden/):
  values/    NAME.yaml is a chart's values.yaml; outputs NAME.toYaml,
             NAME.toJson, NAME.toPrettyJson, NAME.toRawJson hold what the
             template `[[[{{ .Values | FN }}]]]` rendered, or NAME.err the
             `Error: ...` line helm printed when it could not load the file.
  fromyaml/  NAME.in is read with `.Files.Get`; outputs NAME.fromYaml
             (`fromYaml | toJson`), NAME.fromYamlArray
             (`fromYamlArray | toJson`), NAME.fromYaml.toYaml.
  fromjson/  NAME.in likewise; NAME.fromJson, NAME.fromJsonArray,
             NAME.fromJson.toYaml.
  toml/      NAME.in; NAME.fromToml (`fromToml | toJson`) and, for values
             that load, NAME.toToml (`.Files.Get | fromYaml | toToml`).
  pretty/    NAME.in; NAME.toYamlPretty (`.Files.Get | fromYaml | toYamlPretty`).

Text between the `[[[`/`]]]` sentinels is stored verbatim (the sentinels
defeat helm's whitespace trimming; `--debug` makes helm print files that
are not valid YAML).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
HELM = os.environ.get("HELM")
if not HELM:
    root = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
    HELM = subprocess.check_output([os.path.join(root, "scripts", "helm-oracle")], text=True).strip()

CHART_YAML = "apiVersion: v2\nname: g\nversion: 0.1.0\n"


def yq(s):
    """A YAML double-quoted scalar for s that libyaml reads back exactly:
    every character YAML would fold or reject is escaped."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or o in (0x2028, 0x2029, 0xFEFF):
            out.append("\\u%04X" % o if o > 0xFF else "\\x%02X" % o)
        elif 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append("\\u%04X" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------- inputs

ODD_STRINGS = [
    "on", "On", "ON", "off", "yes", "Yes", "YES", "no", "No", "y", "Y", "n", "N",
    "true", "True", "TRUE", "false", "False", "tRUE", "null", "Null", "NULL", "nULL", "~", "",
    "0x1F", "0X1F", "0o17", "0O17", "017", "08", "0b101", "0B101", "1_000", "1__0", "_1", "1_",
    "1e3", "1E3", "1e+3", "1.5e-7", ".5", "5.", "-.5", "+1", "-1", "+.5", "1.2.3",
    ".inf", ".Inf", "-.inf", "+.inf", ".nan", ".NaN", "inf", "nan", "Infinity",
    "1:20", "190:20:30.15", "1:60", "-1:30", "12:30:45",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43",
    "2001-02-29", "2000-02-29", "2001-13-01", "20011-12-14", "2001-1-2",
    "<<", "=", "-", "--", "---", "...", "- a", "-a", "? a", "?a", ": a", ":a", "a:", "a: b", "a:b",
    "#x", "a #x", "a#x", "a # x", "&a", "*a", "!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a",
    ",a", "a,b", "[a]", "{a}", "a[b]", "a{b}", "a]", "a}",
    " lead", "trail ", " both ", "  ", " ", "a  b", "a\tb", "\ttab", "tab\t",
    "héllo", "日本語", "emoji 😀", "😀", "\u00a0nbsp", "nb\u00a0sp", "zero\u200bwidth",
    "bom\ufeffmid", "\ufeffbom", "ctrl\x01x", "bell\x07", "esc\x1b[0m", "del\x7f", "nul\x00x",
    "cr\rx", "nel\x85x", "ls\u2028x", "ps\u2029x", "back\\slash", "quo\"te", "apo'strophe",
    "'quoted'", "\"dq\"", "<tag>&amp;", "a&b", "x<y>z",
    "a\nb", "a\nb\n", "a\nb\n\n", "\na", "\n", "\n\n", " a\nb", "a\n b", "a \nb", "a\n\nb",
    "a\nb ", "line1\nline2\n  indented\n", "tab\tin\nblock", "a\r\nb", "trailing\n ",
    "x" * 79, "x" * 80, "x" * 81, "x" * 200,
    " ".join(["word"] * 30),
    " ".join(["word"] * 30) + " ",
    " " + " ".join(["word"] * 30),
    "a" * 90 + " " + "b" * 10,
    "short " + "b" * 100 + " tail",
    " ".join(["wörd"] * 25),
    " ".join(["😀x"] * 30),
    "  ".join(["word"] * 30),
    "a: " + " ".join(["word"] * 25),
    "- " + " ".join(["word"] * 25),
    "\"" + " ".join(["word"] * 25),
    "k" * 129, "k" * 128,
    "1e21", "1e20", "123456789012345678901234567890", "9007199254740993",
    "0", "-0", "00", "0.0", "-0.0", "1.0", "1.", "0x", "0b", "0o", "0xg", "-0x1F", "+0x1F",
    "-", "--x", "1-2", "1.2e", "e3", "1e", "Y2K", "yes please", "no way", "on off",
]

PLAIN_SCALARS = [
    "yes", "Yes", "YES", "yEs", "no", "on", "On", "off", "OFF", "y", "Y", "n", "N", "true", "True",
    "TRUE", "false", "FALSE", "fAlse", "~", "null", "Null", "NULL", "", "0x1F", "0X1f", "0o17", "017",
    "0777", "08", "09.5", "0b101", "0B11", "1_000", "1_000.5", "+1", "-1", "+0", "-0", "-0.0", "0.0",
    "1e3", "1E3", "1e+3", "1e-3", "1.5e-7", "1e-7", "0.000001", "0.0000001", ".5", "5.", "-.5", ".inf",
    "-.Inf", "+.INF", ".nan", "1e400", "-1e400", "1e-400", "9007199254740992", "9007199254740993",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "123456789012345678901234567890", "0.1", "0.2",
    "0.30000000000000004", "1e21", "1e20", "1e6", "1000000", "1234567.5", "123456.5", "100.0",
    "3.14159265358979", "2.5e+30", "-2.5e-30", "1.7976931348623157e308", "5e-324", "2001-12-14",
    "2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z",
    "1:20", "190:20:30.15", "12:30:45", "0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
    "0b" + "1" * 64, "-0b101", "0o777", "0_1", "._5", ".5_5", "1__2", "1_e3", "+", "-", ".", "..",
    "=", "<<", "?", "a b", "hello world", "Infinity", "NaN", "nan", "inf", "1.2.3", "v1.2.3",
    "1,000", "$100", "50%", "#", "@", "yes_no", "On_", "0x_1F", "0x1_F",
]

NUMBER_FLOW = [
    "[1, 2.0, 2.5, -0, 1e3, 1e21, 1e-7, 0x10, 010, .5]",
    "{a: 1, b: 1.5, c: 1e100, d: -1e-100}",
]

KEY_SETS = [
    ["a2", "a10", "a1", "a", "A", "b", "B", "_x", "1", "10", "2", "Z", "aa", "a-b", "a.b", "a_b"],
    ["x01", "x1", "x001", "x10", "x010", "x2", "x02", "x0", "x00"],
    ["img9", "img10", "img09", "img010", "img1a", "img1b", "img1"],
    ["é", "e", "f", "ä", "z", "日本", "中", "😀", "~", "!", "-", "0", "a0", "a00"],
    ["name", "Name", "NAME", "nAme", "_name", "name_", "name1", "name01", "name-1", "name.1"],
    ["v1.10.0", "v1.9.0", "v1.2.10", "v1.2.9", "v10", "v9", "v1", "v"],
    ["1.5", "1.10", "1.9", "01.5", "2", "1e3", "0x10"],
    ["a b", "a  b", "a\tb", "ab", "a", "a\nb", "a:b", "a: b", ""],
    ["on", "yes", "null", "~", "1", "true", "1.0", "", " a", "a ", "- a", "#c", "'q'", "\"d\"",
     "a: b", "@x", "`x", "k" * 129, "k" * 128],
    ["99999999999999999999", "9", "10", "99", "100", "a99999999999999999999", "a9", "a10"],
]

NUMERIC_KEYS = [
    "1: a", "1.5: a", "0.1: a", "3.14159265358979: a", "1e20: a", "1e21: a", "-0: a", "0x10: a",
    "010: a", "true: a", "yes: a", "off: a", "y: a", ".inf: a", "-.inf: a", ".nan: a", "~: a",
    "null: a", ": a", "9223372036854775808: a", "18446744073709551616: a", "2001-12-14: a",
    "1_000: a", "1e400: a", "[a, b]: c", "{a: b}: c", "? [a]\n: b", "!!str 1: a", "'1': a",
    "1: a\n'1': b", "1: a\n1.0: b",
]

STRUCTURES = [
    "a: {}\nb: []\nc: null\nd: ~\ne:\n",
    "a:\n  b:\n    c:\n      d: 1\n",
    "list:\n- a\n- b\n- - c\n  - d\n- []\n- {}\n- null\n",
    "list:\n  - name: x\n    ports:\n      - 80\n      - 443\n  - name: y\n    env: {}\n",
    "a: [[], [[]], {}, [{}], {b: []}, {c: {}}]\n",
    "a:\n- - - x\n",
    "m:\n  - {a: 1, b: [1, 2, {c: d}]}\n",
    "top: [1, [2, [3, [4]]]]\n",
    "a: {b: {c: {d: {e: {}}}}}\n",
    "seq_of_empty: [[], [], {}]\nmap_of_empty: {x: {}, y: [], z: ''}\n",
    "a: 'single'\nb: \"double\"\nc: plain\nd: 'it''s'\ne: \"tab\\there\"\n",
    "lit: |\n  line1\n  line2\nfold: >\n  folded\n  text\n\n  para\n",
    "keep: |+\n  kept\n\n\nstrip: |-\n  stripped\n\nclip: |\n  clipped\n\n",
    "ind: |2\n    indented\n  base\n",
    "fold2: >-\n  a\n  b\n   c\n  d\n",
    "empty_lit: |\nempty_fold: >\nnext: 1\n",
    "dq: \"a\\\n  b\"\nsq: 'a\n\n  b'\nplain: a\n  b\n\n  c\n",
    "k: \"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\e\\0\\a\\b\\v\\f\\/\"\n",
    "a: -1\nb: +1\nc: - 1\n",
    "a: b # comment\n# full line\nc: d#not comment\n",
    "? complex\n: value\n? [a, b]\n: list key\n",
    "%YAML 1.1\n---\na: 1\n",
    "---\na: 1\n...\n",
    "a: !!str 123\nb: !!int \"42\"\nc: !!float 1\nd: !!bool yes\ne: !!null ~\nf: !custom x\ng: ! 12\n",
    "a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\n",
    "a: !!binary \"//79\"\n",
    "a: !!int abc\n",
    "a: !!float abc\n",
    "a: !!timestamp 2001-12-14\nb: !!timestamp abc\n",
    "a: !!str\nb: !!map {}\nc: !!seq []\n",
    "a: &x 1\nb: *x\n",
    "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
    "base: &b {p: 1, q: 2}\nderived:\n  q: 0\n  <<: *b\n",
    "a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  <<: [*a, *b]\n  s: 3\n",
    "a: &a {p: 1}\nc:\n  <<: [*a, {q: 2}]\n",
    "a:\n  <<: {x: 1}\n  <<: {x: 2, y: 2}\n",
    "a:\n  <<: 1\n",
    "a:\n  <<: [1]\n",
    "a: &s [1]\nb:\n  <<: *s\n",
    "a:\n  '<<': {x: 1}\n",
    "a:\n  !!merge <<: {x: 1}\n",
    "a: *unknown\n",
    "a: &a [*a]\n",
    "a: &a\n  b: *a\n",
    "list: &l [1, 2]\nother: *l\nnested: {l: *l}\n",
    "a: &a x\nb: &a y\nc: *a\n",
    "anchors: &A\n  k: v\nuse:\n  - *A\n  - *A\n",
    "a: 1\na: 2\n",
    "a: {x: 1}\na: {y: 2}\n",
    "a:\n  b: 1\n  b: [2]\n",
    "a: 1\n---\nb: 2\n",
    "a: {x: 1, y: 2}\n---\na: {y: 3}\n",
    "a: 1\n---\n---\nb: 2\n",
    "--- # comment\na: 1\n",
    "a: 1\n--- b: 2\n",
    "a: 1\n---x\n",
    "a: 1\n----\nb: 2\n",
    "---\n---\n",
    "a: [1, 2]\n---\na: [3]\n",
    "a: {b: 1}\n---\na: 2\n",
    "a: 2\n---\na: {b: 1}\n",
    "a: 1\n---\nnull\n",
    "a: 1\n---\n- x\n",
    "a: 1\n---\nb: [\n",
    "a: 1\n...\nb: 2\n",
    "",
    "\n",
    "# only comment\n",
    "~\n",
    "null\n",
    "a string\n",
    "- a\n- b\n",
    "42\n",
    "true\n",
    "[]\n",
    "{}\n",
    "a: b: c\n",
    "a: 1\nb: c: d\n",
    "a: [\n",
    "a: {\n",
    "a: [1, 2\nb: 1\n",
    "a: \"unterminated\n",
    "a: 'unterminated\n",
    "a:\n  - b\n  c: 1\n",
    "a:\n  b: 1\n c: 2\n",
    "\ta: 1\n",
    "a:\n\tb: 1\n",
    "a: b\n\tc: d\n",
    "a: 1\n  b: 2\n",
    "- a\nb: 1\n",
    "a: @x\n",
    "a: `x\n",
    "a: %x\n",
    "a: |\n  x\n y\n",
    "a: >\n  x\n\ty\n",
    "a: \"\\q\"\n",
    "a: \"\\x4\"\n",
    "a: \"\\uD800\"\n",
    "a: !<tag:yaml.org,2002:str> 1\n",
    "a: !foo!bar x\n",
    "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
    "%YAML 2.0\n---\na: 1\n",
    "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
    "%FOO bar\n---\na: 1\n",
    "a: 1\nb\n",
    "a\n",
    "a: 1\n}\n",
    "a: 1\n]\n",
    "a: x\n  y: z\n",
    "? a\n? b\n",
    "a: &\n",
    "a: *\n",
    "a: !\n",
    "[a, b]: c\n",
    "{a: 1}: b\n",
    "k: [a, b, c, ]\n",
    "k: {a: 1, b: 2, }\n",
    "k: [a: 1, b: 2]\n",
    "k: {a, b}\n",
    "k: [,]\n",
    "k: {,}\n",
    "k: a, b\n",
    "k: [a]b\n",
    "k: 'a'b\n",
    "k: \"a\"b\n",
    "key with spaces: 1\n\"quoted key\": 2\n'single': 3\n",
    "a.b: 1\na/b: 2\na\\b: 3\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    "a: 1\rb: 2\r",
    "a: |\r\n  x\r\n  y\r\n",
    "a: \"x\x01\"\n",
    "a: x\x7f\n",
    "a: x\x85y\n",
    "a: \"x\xc2\x85y\"\n",
    "a: 'x\xe2\x80\xa8y'\n",
    "a: " + "x" * 2000 + "\n",
    "k" * 1030 + ": 1\n",
    "k" * 1000 + ": 1\n",
    "a: " + " ".join(["w"] * 600) + "\n",
    "".join("k%d: %d\n" % (i, i) for i in range(120)),
    "a:\n" + "".join("  - i%d\n" % i for i in range(50)),
    "deep: " + "[" * 60 + "]" * 60 + "\n",
    "deep:\n" + "".join("  " * i + "k%d:\n" % i for i in range(40)) + "  " * 40 + "leaf: 1\n",
]

FROMYAML = [
    "a: 1\n", "a: 1\n---\nb: 2\n", "---\na: 1\n---\nb: 2\n", "- a\n- b\n", "- a\n---\n- b\n", "x\n",
    "42\n", "", "~\n", "[]\n", "{}\n", "a: [\n", "a: b: c\n", "a: 1\n---\nb: [\n", "a: 1\n---\n}\n",
    "a: *x\n", "a: .inf\n", "a: .nan\n", "~: 1\n", "1.5: a\n", "[a]: b\n", "a: !!binary aGk=\n",
    "a: !!int x\n", "a: yes\nb: 0x1F\nc: '0x1F'\nd: 1e3\ne: 2001-12-14\n", "- 1\n- [2]\n- {a: 3}\n",
    "a: &x {b: 1}\nc: *x\n", "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", "a: 1\na: 2\n", "- 1\n- 2\n- 3",
    "a:\n  - b\n  c: 1\n", "\t- a\n", "- a\n- b: c\n  d: e\n", "a: 9007199254740993\n",
    "a: 18446744073709551616\n", "a: -0.0\n", "a: 1e21\n", "a: 1e400\n", "- .inf\n", "a: |\n  x\n",
    "a: \"\\u00e9\"\n", "k: \"<&>\"\n", "- [\n", "-\n", "- ~\n- \n", "? [a]\n", "a: &a [*a]\n",
    "? a\n", "... \n", "a: 1\n...\n---\nb: 2\n", "%YAML 1.1\n---\n- x\n", "a: 1\n--- b\n",
]

FROMJSON = [
    '{"a":1}', '{"a":1.5,"b":"x","c":true,"d":null,"e":[1,2],"f":{}}', "[1,2,3]", '"str"', "42",
    "null", "true", "", " ", "{", "}", "[", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]", "1 2",
    "tru", "trux", "nul", "fals", "01", "-", "-x", "1.", "1.x", "1e", "1e+", "1ex", ".5", "+1",
    "0x10", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"",
    "\"\\ud83dx\"", "\"a\tb\"", "\"a\nb\"", "'a'", "{'a':1}", "{a:1}", '{"a":1}x', '{"a":1} ',
    ' {"a":1}', '{"a":1,"a":2}', '{"a":1e400}', '{"a":1e400,"b":2}', "[1e400]", '{"a":-0}',
    '{"a":9007199254740993}', '{"a":123456789012345678901234567890}', '{"a":1E2}', '{"a":1e-7}',
    '{"a":0.1}', '{"a":100}', '{"a":1e21}', '{"a":1e20}', '{"a":-1.5e-10}', '{"a":"\\u003c\\u0026"}',
    '{"a":"\\/\\b\\f\\n\\r\\t"}', '{"a":"é😀"}', '{"":1}', '{"a":{"b":{"c":[{"d":[]}]}}}',
    '[{"a":1},{"b":2}]', '[[],[[]],{}]', "\ufeff{}", "{}", "[]", '{"a":[1,2,{"b":null}]}',
    '{"html":"<script>&</script>"}', '{"ls":"\\u2028\\u2029"}', '{"c":"\\u0001\\u001f\\u007f"}',
    "[" * 30 + "]" * 30, '{"a":1}{"b":2}', "\x01", "\xc3\xa9", "[\"\x01\"]",
]

TOML = [
    'a = 1\nb = "x"\nc = 1.5\nd = true\n', "[t]\nk = 1\n[t.u]\nv = [1, 2]\n", 'a = "x\n',
    "a = 1\na = 2\n", "arr = [[1, 2], [\"a\"]]\n", "[[p]]\nn = 1\n[[p]]\nn = 2\n",
    "d = 1979-05-27T07:32:00Z\n", "i = 0x1F\no = 0o17\nb = 0b101\nu = 1_000\n",
    "f = inf\ng = nan\nh = -0.0\n", 'k = """\nmulti\nline"""\n', "x = \n", "[a]\nb = 1\n[a]\nc = 2\n",
    "big = 9223372036854775807\n", "e = 1e21\nz = 0.1\n", '"quoted key" = 1\n"a.b" = 2\n',
    "inline = {a = 1, b = {c = 2}}\n", 'html = "<&>"\n', "", "# comment only\n",
    "a.b.c = 1\na.d = 2\n",
]

TOTOML = [
    "a: 1\nb: x\nc: 1.5\nd: true\n", "t:\n  k: 1\n  u:\n    v: [1, 2]\n", "arr: [[1, 2], [a]]\n",
    "p:\n- n: 1\n- n: 2\n", "e: {}\nl: []\n", "s: \"a\\nb\"\nq: 'it''s \"x\"'\n", "big: 1e21\nz: 0.1\n",
    "k: ~\n", "\"a b\": 1\n\"a.b\": 2\nÄ: 3\n", "mix: [1, a]\n", "a: 1\nt: {x: 1}\nb: 2\n",
    "n: -0.0\ni: 100\nf: 1.0\ng: 1e6\n", "html: \"<&>\"\nu: \"é😀\"\nc: \"\\x01\"\n",
    "lm: [{a: 1}, {b: {c: 2}}]\n", "deep: {a: {b: {c: {d: 1}}}}\n", "list_of_lists: [[{a: 1}]]\n",
]

PRETTY = [
    "a: 1\nb: x\nc: 1.5\nd: true\ne: ~\n", "list:\n- a\n- b\n- - c\n- {}\n- []\n",
    "m:\n  l:\n  - x: 1\n    y: 2\n", "s: \"a\\nb\"\nt: \"a\\nb\\n\"\nu: \" lead\"\n", "on: 'on'\nyes: 'yes'\n",
    "n: '1'\nf: '1.5'\nnu: 'null'\nem: ''\nts: '2001-12-14'\n", "long: " + " ".join(["word"] * 30) + "\n",
    "big: 9007199254740993\nneg: -0.0\ne: 1e21\nsmall: 1e-7\nfl: 1.0\n", "k: \"😀\"\nt: \"a\\tb\"\n",
    "a2: 1\na10: 2\nA: 3\n_: 4\n", "\"#x\": 1\n\"- a\": 2\n\": a\": 3\n", "k: \"it's\"\n",
    "k: \" \"\n", "k: \"a: b\"\n", "nested: {a: {b: [1, [2, [3]]]}}\n", "k: \"x\\ny\\n\\n\"\n",
]


# --------------------------------------------------------------- helm runs

SOURCE_RE = re.compile(r"^# Source: g/templates/(.+?)\.yaml$", re.M)


def run_helm(chart):
    p = subprocess.run([HELM, "template", "r", chart, "--debug"], capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def extract(stdout):
    """Map template name -> text between its [[[ and ]]] sentinels."""
    out = {}
    marks = list(SOURCE_RE.finditer(stdout))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(stdout)
        chunk = stdout[m.end():end]
        a = chunk.find("[[[")
        b = chunk.rfind("]]]")
        if a >= 0 and b >= a:
            out[m.group(1)] = chunk[a + 3:b]
    return out


def error_line(stderr):
    for line in stderr.splitlines():
        if line.startswith("Error: "):
            return line
    return "NO ERROR LINE: " + stderr[-500:]


def write(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(text)


def new_chart():
    d = tempfile.mkdtemp(prefix="goyaml-golden-")
    os.makedirs(os.path.join(d, "templates"))
    os.makedirs(os.path.join(d, "files"))
    write(os.path.join(d, "Chart.yaml"), CHART_YAML)
    return d


VALUES_FNS = ["toYaml", "toJson", "toPrettyJson", "toRawJson"]


def values_case(args):
    name, text = args
    d = new_chart()
    try:
        write(os.path.join(d, "values.yaml"), text)
        for fn in VALUES_FNS:
            write(os.path.join(d, "templates", fn + ".yaml"), "[[[{{ .Values | %s }}]]]\n" % fn)
        # helm exits 1 even with --debug because `[[[...]]]` is not a
        # manifest; what matters is whether it rendered the templates.
        _, out, err = run_helm(d)
        got = extract(out)
        # Go map order is random and yaml.v2's key sort is not a strict
        # order when letters and digits mix (img9/img10/img1a), so some
        # outputs vary between runs: render twice and skip those cases.
        _, out2, _ = run_helm(d)
        if extract(out2) != got:
            with open(os.path.join(GOLDEN, "values", "NONDETERMINISTIC"), "a") as f:
                f.write(name + "\n")
            return
        base = os.path.join(GOLDEN, "values", name)
        write(base + ".yaml", text)
        if not got:
            write(base + ".err", error_line(err) + "\n")
            return
        for fn in VALUES_FNS:
            write(base + "." + fn, got.get(fn, "MISSING"))
    finally:
        shutil.rmtree(d)


def batch_suite(suite, cases, outputs):
    """cases: [(name, input)]; outputs: {suffix: template using FILE}."""
    d = new_chart()
    try:
        for name, text in cases:
            write(os.path.join(d, "files", name + ".in"), text)
            for suffix, tpl in outputs.items():
                t = tpl.replace("FILE", "files/%s.in" % name)
                write(os.path.join(d, "templates", "%s__%s.yaml" % (name, suffix.replace(".", "_"))), "[[[" + t + "]]]\n")
        _, out, err = run_helm(d)
        got = extract(out)
        if not got:
            sys.exit("%s batch failed: %s" % (suite, err[-2000:]))
        for name, text in cases:
            base = os.path.join(GOLDEN, suite, name)
            write(base + ".in", text)
            for suffix in outputs:
                key = "%s__%s" % (name, suffix.replace(".", "_"))
                write(base + "." + suffix, got.get(key, "MISSING"))
    finally:
        shutil.rmtree(d)


def named(prefix, items):
    return [("%s%03d" % (prefix, i), t) for i, t in enumerate(items)]


def corpus(out):
    """Values-suite goldens for every values.yaml of the chart corpus, into
    `out` (never into git: the corpus is not ours to copy). Check with
    GOYAML_GOLDEN_DIR=out cargo test -p charthouse-goyaml --test tests values."""
    global GOLDEN
    GOLDEN = out
    os.makedirs(os.path.join(out, "values"), exist_ok=True)
    root = "/work/shared/corpus/charts"
    files = []
    for d, _, fs in os.walk(root):
        for f in fs:
            if f == "values.yaml" or (f.endswith(".yaml") and os.path.basename(d) == "ci"):
                files.append(os.path.join(d, f))
    cases = []
    for i, p in enumerate(sorted(files)):
        with open(p, encoding="utf-8", errors="surrogateescape") as fh:
            cases.append(("corpus%04d" % i, fh.read()))
    with ThreadPoolExecutor(max_workers=2) as ex:
        list(ex.map(values_case, cases))
    print("corpus: %d values files" % len(cases))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        return corpus(sys.argv[2])
    if os.path.isdir(GOLDEN):
        shutil.rmtree(GOLDEN)
    for s in ["values", "fromyaml", "fromjson", "toml", "pretty"]:
        os.makedirs(os.path.join(GOLDEN, s))

    values = []
    values += named("str", ["v: %s\n" % yq(s) for s in ODD_STRINGS])
    values += named("strkey", ["%s: v\n" % yq(s) for s in ODD_STRINGS if s != ""][:60])
    values += named("plain", ["v: %s\n" % s for s in PLAIN_SCALARS])
    values += named("flow", ["v: %s\n" % s for s in NUMBER_FLOW])
    # Sets 2 and 6 mix letters and digit runs so that yaml.v2's key order is
    # not a total order: helm's output changes between runs (see sort.rs).
    keys = named("keys", ["".join("%s: %d\n" % (yq(k), i) for i, k in enumerate(ks)) for ks in KEY_SETS])
    values += [c for i, c in enumerate(keys) if i not in (2, 6)]
    # The last two give one JSON key from two YAML keys (1 and '1', 1 and
    # 1.0); which value survives depends on Go's random map order.
    values += named("numkey", [t + "\n" for t in NUMERIC_KEYS])[:-2]
    values += named("struct", STRUCTURES)
    values += named("list", ["v:\n- %s\n- - %s\n" % (yq(s), yq(s)) for s in ODD_STRINGS[::5]])
    values += named("nest", ["a:\n  b:\n    - c:\n        d: %s\n" % yq(s) for s in ODD_STRINGS[::7]])
    with ThreadPoolExecutor(max_workers=2) as ex:
        list(ex.map(values_case, values))

    batch_suite("fromyaml", named("fy", FROMYAML), {
        "fromYaml": '{{ .Files.Get "FILE" | fromYaml | toJson }}',
        "fromYamlArray": '{{ .Files.Get "FILE" | fromYamlArray | toJson }}',
        "fromYaml.toYaml": '{{ .Files.Get "FILE" | fromYaml | toYaml }}',
    })
    batch_suite("fromjson", named("fj", FROMJSON), {
        "fromJson": '{{ .Files.Get "FILE" | fromJson | toJson }}',
        "fromJsonArray": '{{ .Files.Get "FILE" | fromJsonArray | toJson }}',
        "fromJson.toYaml": '{{ .Files.Get "FILE" | fromJson | toYaml }}',
    })
    batch_suite("toml", named("tm", TOML), {
        "fromToml": '{{ .Files.Get "FILE" | fromToml | toJson }}',
    })
    totoml = TOTOML + ["v: %s\n" % yq(x) for x in ODD_STRINGS[::2]]
    totoml += ["%s: 1\n" % yq(x) for x in ODD_STRINGS[1::4] if x]
    batch_suite("toml", named("tt", totoml), {
        "toToml": '{{ .Files.Get "FILE" | fromYaml | toToml }}',
    })
    pretty = PRETTY + ["v: %s\n" % yq(x) for x in ODD_STRINGS]
    pretty += ["%s: v\n" % yq(x) for x in ODD_STRINGS[::3] if x]
    pretty += [t for t in STRUCTURES[:20]]
    pretty += ["v: %s\n" % x for x in PLAIN_SCALARS if x not in (".nan",)]
    batch_suite("pretty", named("pr", pretty), {
        "toYamlPretty": '{{ .Files.Get "FILE" | fromYaml | toYamlPretty }}',
    })
    n = sum(len(fs) for _, _, fs in os.walk(GOLDEN))
    print("wrote %d files under %s" % (n, GOLDEN))


if __name__ == "__main__":
    main()
