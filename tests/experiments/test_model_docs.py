"""docs/model.md is generated from the single parameter source and must match it."""

from experiments import model_docs


def test_model_document_is_up_to_date():
    """The committed docs/model.md equals what `python -m experiments docs` generates now."""
    assert model_docs.DOC_PATH.read_text() == model_docs.render(), \
        "docs/model.md is out of date: run `python -m experiments docs`"


def test_model_document_lists_every_parameter_with_its_source():
    """Each parameter path appears in the document with its source text."""
    from circuits.parameters import DEFAULTS, iter_params

    text = model_docs.render()
    for path, param in iter_params(DEFAULTS):
        assert f"`{path}`" in text and param.source in text, path


def test_protocols_document_is_up_to_date():
    """The committed docs/protocols.md equals what `python -m experiments docs` generates now."""
    assert model_docs.PROTOCOLS_DOC_PATH.read_text() == model_docs.render_protocols(), \
        "docs/protocols.md is out of date: run `python -m experiments docs`"


def test_protocols_document_lists_every_protocol_and_knob():
    """Each protocol has a section with its summary and a row per knob with its doc."""
    from experiments.protocols import PROTOCOLS

    text = model_docs.render_protocols()
    for name, module in PROTOCOLS.items():
        section = text.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
        assert module.SUMMARY in section, name
        for knob_name, knob in module.KNOBS.items():
            assert f"| `{knob_name}` |" in section and knob.doc in section, f"{name}.{knob_name}"


def test_declared_readouts_are_listed():
    """A protocol module that declares READOUTS gets a read-out table."""
    from types import SimpleNamespace

    from experiments.protocols import Knob

    module = SimpleNamespace(__doc__="A stand-in.\n\nMethods. Nothing.", SUMMARY="a stand-in",
                             KNOBS={"drug": Knob("fentanyl", "choice", "opioid", choices=("fentanyl", "morphine")),
                                    "doses": Knob([0.5, 1.0], "list", "doses", minimum=0.0, item_unit="mg/kg")},
                             READOUTS={"latency_s": ("s", "withdrawal latency")})
    text = model_docs.render_protocols({"standin": module})
    assert "| `drug` | `fentanyl` | choice | one of `fentanyl`, `morphine` | opioid |" in text
    assert "| `doses` | `[0.5, 1]` | list of mg/kg | >= 0 | doses |" in text
    assert "| `latency_s` | s | withdrawal latency |" in text


def test_docs_command_writes_both_documents(tmp_path):
    from experiments.cli import main

    assert main(["docs", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "model.md").read_text() == model_docs.render()
    assert (tmp_path / "protocols.md").read_text() == model_docs.render_protocols()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.md", "protocols.md"]
