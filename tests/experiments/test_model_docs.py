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
