"""JSON records that Python's json module gets wrong: numbers come back as they were
written and the output is always JSON; a record nested too deep, or holding a token that
is not JSON (NaN), is skipped and counted (``--strict``: FILE:LINE), and the records around
it all come out in order. A ``meta.json`` nested too deep is one line naming it."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from linesift import rawjson
from linesift.cli import main

TEXT = "A sentence of the article that goes on for a while and says something."
NUMBERS = ["1e400", "-1e400", "1E+2", "-0", "1.50", "0.1", "2.5e-320", "1" + "0" * 5000, "-12", "0"]


def predict(model, shard, *args):
    out = shard.parent / "out.jsonl"
    out.unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["predict", "-m", str(model), str(shard), "-o", str(out), *args])
    assert "Traceback" not in result.output
    return result, (out.read_text(encoding="utf-8").splitlines() if out.exists() else None)


def strict_json(line):
    """``line`` parsed as JSON only: Python's json module takes NaN and Infinity, JSON does not."""
    def refuse(name):
        raise ValueError(f"{name} in the output")
    return json.loads(line, parse_constant=refuse, parse_float=str, parse_int=str)


def nested(depth):
    return '{"a": ' * (depth - 1) + "[1]" + "}" * (depth - 1)


def summary(result):
    return result.stderr.strip().splitlines()[-1]


# -- numbers keep their text -------------------------------------------------------------

@pytest.mark.parametrize("emit", ["text", "labels", "spans"])
def test_numbers_come_back_as_they_were_written(tmp_path, small_model_file, emit):
    shard = tmp_path / "s.jsonl"
    numbers = ", ".join(f'"n{at}": {number}' for at, number in enumerate(NUMBERS))
    shard.write_text(f'{{"id": 1e400, "text": "{TEXT}", {numbers}, "list": [{", ".join(NUMBERS)}]}}\n'
                     f'{{"id": 1E+2, "text": "{TEXT}"}}\n')
    result, lines = predict(small_model_file, shard, "--emit", emit)
    assert result.exit_code == 0, result.output
    assert [line.startswith('{"id": 1e400, ') for line in lines] == [True, False]
    assert lines[1].startswith('{"id": 1E+2, ')
    if emit != "spans":
        assert f"{numbers}, \"list\": [{', '.join(NUMBERS)}]" in lines[0]
    for line in lines:
        strict_json(line)   # valid JSON, no Infinity nor NaN


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_record_holding_nan_is_not_json_and_is_skipped(tmp_path, small_model_file, token):
    shard = tmp_path / "s.jsonl"
    shard.write_text(f'{{"id": "1", "text": "{TEXT}"}}\n{{"id": "2", "text": "{TEXT}", "score": {token}}}\n'
                     f'{{"id": "3", "text": "{TEXT}"}}\n')
    result, lines = predict(small_model_file, shard)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in lines] == ["1", "3"]
    assert summary(result) == "linesift: 2 pages read, 2 written, 1 skipped (1 not JSON)"
    result, lines = predict(small_model_file, shard, "--strict")
    assert result.exit_code == 1 and lines is None
    assert result.stderr == f"linesift: {shard}:2: not JSON: {token} is not JSON\n"


def test_a_number_in_the_text_field_is_said_to_be_a_number(tmp_path, small_model_file):
    shard = tmp_path / "s.jsonl"
    shard.write_text('{"id": "1", "text": 1e400}\n')
    result, _ = predict(small_model_file, shard, "--strict")
    assert result.stderr == f"linesift: {shard}:1: 'text' is not a string: a JSON number\n"


# -- nesting -----------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_nested_too_deep_is_skipped_and_the_run_goes_on(tmp_path, small_model_file, jobs):
    rows = [{"id": "1", "text": TEXT}, None, {"id": "3", "text": TEXT}]
    shard = tmp_path / "s.jsonl"
    shard.write_text("\n".join(json.dumps(row) if row else f'{{"id": "2", "text": "{TEXT}", "deep": {nested(2000)}}}'
                               for row in rows) + "\n")
    result, lines = predict(small_model_file, shard, "-j", jobs)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in lines] == ["1", "3"]
    assert summary(result) == "linesift: 2 pages read, 2 written, 1 skipped (1 JSON nested too deep)"
    result, lines = predict(small_model_file, shard, "-j", jobs, "--strict")
    assert result.exit_code == 1 and lines is None
    assert result.stderr == (f"linesift: {shard}:2: JSON nested too deep: more than {rawjson.MAX_DEPTH} arrays "
                             "or objects inside one another\n")


def test_a_record_nested_to_the_limit_comes_back_whole(tmp_path, small_model_file):
    # the text field sits in the outermost object, so the record nests as deep as "deep" plus one
    deep = nested(rawjson.MAX_DEPTH - 1)
    shard = tmp_path / "s.jsonl"
    shard.write_text(f'{{"id": "1", "text": "{TEXT}", "deep": {deep}}}\n'
                     f'{{"id": "2", "text": "{TEXT}", "deep": [{deep}]}}\n')
    result, lines = predict(small_model_file, shard, "--emit", "labels")
    assert result.exit_code == 0, result.output
    assert len(lines) == 1 and f'"deep": {deep}, "linesift_labels": ' in lines[0]
    assert "1 JSON nested too deep" in summary(result)


def test_a_meta_json_nested_too_deep_is_one_line_naming_it(tmp_path, small_model_file):
    corpus = tmp_path / "corpus"
    for name in ("a", "b"):
        (corpus / name).mkdir(parents=True)
        (corpus / name / "page.html").write_text(f"<html><body><nav>Home</nav><p>{TEXT}</p></body></html>")
        (corpus / name / "gold.txt").write_text(TEXT + "\n")
    (corpus / "b" / "meta.json").write_text(nested(2000))
    out = tmp_path / "out"
    out.mkdir()
    for args in (["train", str(corpus), "-o", str(out / "model.npz"), "-q", "--epochs", "1"],
                 ["evaluate", str(corpus), "-m", str(small_model_file), "-q"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.stderr == f"linesift: {corpus / 'b' / 'meta.json'}: JSON nested too deep to read\n"
        assert list(out.iterdir()) == []


# -- rawjson: what it reads it writes back ------------------------------------------------

_NUMBER = st.from_regex(r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,4})?\Z")
_STRING = st.text(max_size=20)


def _json_text(children):
    return (st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
            | st.dictionaries(_STRING, children, max_size=4).map(
                lambda d: "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {v}" for k, v in d.items()) + "}"))


_JSON = st.recursive(_NUMBER | _STRING.map(lambda s: json.dumps(s, ensure_ascii=False))
                     | st.sampled_from(["true", "false", "null"]), _json_text, max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(text=_JSON)
def test_json_written_as_json_dumps_writes_it_comes_back_the_same(text):
    assert rawjson.dumps(rawjson.loads(text)) == text


@settings(max_examples=300, deadline=None)
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                          | _STRING, lambda children: st.lists(children, max_size=4)
                          | st.dictionaries(_STRING, children, max_size=4), max_leaves=30))
def test_values_without_raw_numbers_are_written_as_json_dumps_writes_them(value):
    assert rawjson.dumps(value) == json.dumps(value, ensure_ascii=False)


def test_deeper_than_the_limit_is_refused_in_every_process_alike():
    rawjson.loads(nested(rawjson.MAX_DEPTH))
    for depth in (rawjson.MAX_DEPTH + 1, 2000, 100_000):
        with pytest.raises(rawjson.TooDeep):
            rawjson.loads(nested(depth))
    # brackets inside strings are not nesting
    assert rawjson.loads('["' + "[{" * 600 + '"]') == ["[{" * 600]
