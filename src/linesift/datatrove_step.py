"""A datatrove pipeline step: replace each Document's text with linesift's cleaned text.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from linesift.datatrove_step import LinesiftCleaner

    LocalPipelineExecutor([JsonlReader("dumps/"), LinesiftCleaner("/shared/linesift.npz"), JsonlWriter("cleaned/")],
                          tasks=4).run()

The step is a ``PipelineStep`` rather than a ``BaseFormatter``: a formatter is handed one
text at a time, and linesift classifies pages in batches (numpy over the whole batch, menus
shared between a site's pages), so the step gathers its documents into batches itself. A
document's site is the host of ``metadata["url"]`` (``linesift.site_of_url``): documents of
one site that come one after another are classified together and count each other's lines
(the site pass, ``linesift.features.site``); group a shard by host before the step for that.
Everything but ``text`` (id, media, metadata) is kept. datatrove is needed only to import
this module: ``import linesift`` never loads it.
"""

from operator import itemgetter
from pathlib import Path

from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from linesift.api import classify_html, classify_texts, cleaned_text, content_spans, site_of_url
from linesift.errors import InputError
from linesift.labels import resolve_threshold
from linesift.workers import BATCH_PAGES, classify_grouped, process_model


class LinesiftCleaner(PipelineStep):
    """Cleans each Document's ``text``: a page dump (one block per line), or HTML with
    ``html=True``. ``threshold`` defaults to the model's own. With ``spans_key``, the
    ``[start, end, P(content)]`` of every classified line go to ``metadata[spans_key]``;
    they point into the text before cleaning, so they are offered for dumps only (for HTML
    they would point into block lines the step does not keep). Documents left with no
    content are dropped, as datatrove's extractors do, unless ``drop_empty=False``."""

    name = "linesift"
    type = "✂️ - FORMAT"

    def __init__(self, model_path=None, threshold=None, html=False, spans_key=None, drop_empty=True,
                 batch_size=BATCH_PAGES):
        super().__init__()
        if html and spans_key:
            raise ValueError("spans_key is for dumps only: with html=True the spans would point into text "
                             "the step does not keep")
        # Checked and made absolute here, where the pipeline is built: a task may run
        # elsewhere (another process, a cluster node), in another working folder.
        if model_path is not None:
            if not Path(model_path).exists():
                raise InputError(model_path, "no such model file", exit_code=2)
            model_path = str(Path(model_path).resolve())
        self.model_path = model_path
        self.threshold = threshold
        self.html = html
        self.spans_key = spans_key
        self.drop_empty = drop_empty
        self.batch_size = batch_size

    def run(self, data, rank=0, world_size=1):
        if data is None:
            return
        model, cache = process_model(self.model_path)
        cut = resolve_threshold(model, self.threshold)
        read = classify_html if self.html else classify_texts

        def classify(model, pages, cache, sites):
            with self.track_time(unit="batch"):
                return read(model, pages, cache, sites)

        with_sites = ((document, site_of_url(document.metadata.get("url"))) for document in data)
        for (document, _), result in classify_grouped(model, with_sites, classify, lambda item: item[0].text,
                                                      itemgetter(1), cache, size=self.batch_size):
            self.stat_update(StatHints.total)
            document.text = cleaned_text(result, cut)
            if self.spans_key:
                document.metadata[self.spans_key] = content_spans(result)
            if self.drop_empty and not document.text:
                self.stat_update(StatHints.dropped)
                continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(document)
            yield document
