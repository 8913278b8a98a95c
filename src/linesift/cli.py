"""The command line: ``linesift train | evaluate | predict | label | explain``, each a thin
wrapper over a library function. Results go to stdout (a table, or JSON with --json); progress and
errors go to stderr. A user's mistake is one line ``linesift: FILE:LINE: what``, never a
traceback: exit 2 for usage (missing file, bad option), 1 for bad data."""

import contextlib
import functools
import json
import os
import signal
import sys
import threading
import webbrowser
from pathlib import Path

import click

from linesift.atomic import atomic_writer, refuse_inputs_as_outputs
from linesift.corpus import CORPUS_SUFFIXES
from linesift.errors import InputError
from linesift.explain import explain_line
from linesift.labeling import ORDERS, LabelSession, make_server
from linesift.labels import DEFAULT_THRESHOLD, PAGE_CUT, checked_threshold
from linesift.limits import HTML_TAGS_PER_LINE, MAX_PAGE_LINES, MAX_PAGE_MB, PageLimits
from linesift.model_file import SHIPPED_MODEL, load_base, load_model, model_summary, save_model
from linesift.output import EMITS, FORMATS, LABELS_FIELD, SPANS_ATTRIBUTE, json_text
from linesift.parallel import available_cores
from linesift.predict import SITE_FROM, PredictOptions, default_jobs, page_urls, write_pages, write_records
from linesift.progress import Progress
from linesift.reading import find_files, is_found, read_input_page, read_path_list, without_labeled_html
from linesift.records import TEXT_FIELD, record_format
from linesift.report import render_report
from linesift.tables import base_check_line, metrics_table, threshold_line
from linesift.train import DEFAULT_TARGET_FOLDS, evaluate_pages, read_corpus, train_corpus
from linesift.version import __version__
from linesift.workers import process_model


def _user_errors(command):
    """Turn InputError (and a closed stdout pipe) into a one-line message and exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as error:
            click.echo(f"linesift: {error}", err=True)
            sys.exit(error.exit_code)
        except BrokenPipeError:
            # `linesift predict ... | head`: the reader left; that is not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except OSError as error:
            # The machine's, not the input's: a full disk, a failing device. Outputs are atomic,
            # so nothing half-written is left behind.
            click.echo(f"linesift: {error.filename or 'output'}: {error.strerror or error}", err=True)
            sys.exit(1)

    return wrapper


def _not_nan(ctx, param, value):
    if value is not None and value != value:   # a FloatRange lets nan through: every comparison is false
        low, high = param.type.min, param.type.max
        raise click.BadParameter(f"must be a number from {low:g} to {high:g}, not nan" if high is not None
                                 else "must be a number, not nan")
    return value


MAX_EPOCHS = 10_000             # --epochs: far past where training stops improving (30 by default)
MAX_ALPHA = 1e6                 # --alpha: far past a model that learns nothing
MAX_PAGE_MB_OPTION = 4096       # --max-page-mb: a page is held whole in memory, 4 GB is past any real one
MAX_PAGE_LINES_OPTION = 10_000_000   # --max-page-lines: at about 2 KB a line, 20 GB


# Options several commands share, declared once.
model_option = click.option("-m", "--model", "model_path", type=click.Path(dir_okay=False), default=None,
                            help=f"Model file [default: the shipped model, {SHIPPED_MODEL.name}].")
class ThresholdType(click.ParamType):
    """A probability, or "page": each page cut where its expected F-measure is highest."""
    name = "P|page"

    def convert(self, value, param, ctx):
        try:
            return checked_threshold(value)
        except ValueError:
            self.fail(f"must be a number from 0 to 1 or {PAGE_CUT!r}, not {value!r}", param, ctx)


THRESHOLD = ThresholdType()
threshold_option = click.option("-t", "--threshold", type=THRESHOLD, default=None,
                                help="P(content) at or above which a line is content, or 'page': each page "
                                     "cut where its expected F-measure is highest [default: the model's own].")


SKIPPED_NAMED = 10         # skipped pages the summary names again (all are named as they are skipped)
EXPLAIN_TOP = 12           # terms `explain` lists before summing the rest
EXPLAIN_TEXT_CHARS = 200   # of the explained line's text, shown under its verdict


def _progress(quiet):
    return (lambda message: None) if quiet else (lambda message: click.echo(f"linesift: {message}", err=True))


def _read_by_corpus(parts):
    """Whether a file at ``parts`` below a corpus folder is read as a labeled page."""
    return is_found(parts, CORPUS_SUFFIXES)


def _read_exclude(path):
    return [] if path is None else read_path_list(path)


def _model_options(command):
    """Hyperparameters of a model to train (train, and evaluate --cv)."""
    options = [
        click.option("--alpha", type=click.FloatRange(min=0, max=MAX_ALPHA, min_open=True), default=1e-5,
                     show_default=True, callback=_not_nan,
                     help="L2 regularisation of the first pass: larger is smoother."),
        click.option("--epochs", type=click.IntRange(min=1, max=MAX_EPOCHS), default=30, show_default=True,
                     help="Passes of SGD over the training lines."),
        click.option("--context/--no-context", default=True, show_default=True,
                     help="Train the second pass over neighbouring lines' scores."),
        click.option("--word-weight", type=click.Choice(["none", "log", "sqrt"]), default="log", show_default=True,
                     help="Weight training lines by their length, so long paragraphs count more than 'Share'."),
        click.option("--weight", "weights", multiple=True, metavar="CORPUS=W",
                     help="Count the pages of CORPUS (a path as given) W times in training, e.g. "
                          "--weight my-labels/=10 to let your own labels outweigh a large corpus."),
        click.option("--exclude", "exclude_file", type=click.Path(dir_okay=False),
                     help="File listing labeled pages (paths as given, one per line) to leave out."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _not_a_folder(ctx, param, value):
    # `--base my-labels/`: the optional value took the corpus. Said before click misses the corpus.
    if value is not None and Path(value).is_dir():
        raise click.BadParameter(f"{value} is a folder, not a model: put --base after the corpus folders, "
                                 "or write --base=MODEL")
    return value


def _base_option(command):
    """--base [MODEL]: start from a trained model (train, and evaluate --cv)."""
    return click.option(
        "--base", "base_path", is_flag=False, flag_value=str(SHIPPED_MODEL), default=None, metavar="[MODEL]",
        is_eager=True, callback=_not_a_folder,
        help="Start from a trained model (no value: the shipped one) and learn from your pages a correction "
             "of its scores. --alpha, --epochs and --context are the base's and cannot be given. Put it after "
             "the corpus folders, or write --base=MODEL."
    )(command)


BASE_KEEPS = ("alpha", "epochs", "context")   # hyperparameters of the base's passes, which --base keeps


def _load_base(base_path):
    """The base model of --base, after checking that no option of the base's own passes was given."""
    if base_path is None:
        return None
    context = click.get_current_context()
    for name in BASE_KEEPS:
        if context.get_parameter_source(name) != click.core.ParameterSource.DEFAULT:
            flag = "--context/--no-context" if name == "context" else f"--{name}"
            raise InputError(flag, "does not apply with --base: the base model's passes are kept as trained",
                             exit_code=2)
    return load_base(base_path)


def _parse_weights(weights, corpus):
    parsed = {}
    for item in weights:
        path, equals, value = item.rpartition("=")
        try:
            if not equals or not 0 < float(value) < float("inf"):   # nan fails the comparison too
                raise ValueError
        except ValueError:
            raise InputError(item, "--weight takes CORPUS=W with W a positive finite number", exit_code=2) from None
        if path not in corpus:
            raise InputError(path, "--weight names a corpus that is not among the CORPUS arguments", exit_code=2)
        parsed[path] = float(value)
    return parsed


def _hyperparameters(alpha, epochs, context, word_weight, threshold=None, base=None):
    chosen = {"word_weight": word_weight} if base else {"alpha": alpha, "epochs": epochs, "context": context,
                                                        "word_weight": word_weight}
    if threshold is not None:
        chosen["threshold"] = threshold
    return chosen


TERMINATED_EXIT = 128 + signal.SIGTERM   # what a shell reports for a process SIGTERM ended


class _Terminated(BaseException):
    """SIGTERM, what a scheduler sends before SIGKILL: ends the run like Ctrl-C, unwinding,
    so every output being written removes its temporary on the way out. Not an Exception,
    so no handler of errors takes it for one."""


@contextlib.contextmanager
def _ending_on_sigterm():
    """SIGTERM raises _Terminated while the command runs; the handler before is put back
    after (the command may run inside another program, a test runner say)."""
    if threading.current_thread() is not threading.main_thread():
        yield   # signal handlers belong to the main thread
        return

    def terminate(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # a second one must not cut the clean-up short
        raise _Terminated()

    before = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


class _OneLineErrors(click.Group):
    """Usage errors as one line (`linesift: Invalid value for '--threshold': ...`), exit 2,
    instead of click's usage block: the same shape as every other linesift error."""

    def main(self, *args, standalone_mode=True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            with _ending_on_sigterm():
                code = super().main(*args, standalone_mode=False, **kwargs)
        except _Terminated:
            click.echo("linesift: terminated (SIGTERM): outputs written are whole, unfinished ones removed", err=True)
            sys.exit(TERMINATED_EXIT)
        except click.exceptions.Abort:
            click.echo("linesift: aborted", err=True)
            sys.exit(1)
        except click.ClickException as error:
            click.echo(f"linesift: {error.format_message()} (see linesift --help)", err=True)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def _print_version(ctx, param, value):
    """--version: linesift's version and the default model it would use, named by its file,
    format and feature-set version and the digest of its training data."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"linesift {__version__}")
    try:
        model = model_summary()
    except InputError as error:
        click.echo(f"linesift: {error}", err=True)
        ctx.exit(error.exit_code)
    click.echo(f"default model: {model['path']}")
    click.echo(f"  model format {model['format_version']}, feature set {model['feature_set_version']}")
    click.echo(f"  training data {model['training_digest'] or 'digest not recorded'}")
    if model["refused"]:   # a stale model: named above, and why predict would refuse it
        click.echo(f"linesift: {model['refused']}", err=True)
        ctx.exit(model["refused"].exit_code)
    ctx.exit(0)


@click.group(cls=_OneLineErrors, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the default model (file, format, feature set, training data) and exit.")
@click.pass_context
def main(ctx):
    """linesift: label each line of a web page dump as content or chrome.

    \b
    A dump is a page's text, one block per line (browser copy, lynx -dump,
    Common Crawl WET, a crawler's markdown). Labeled pages, for training and
    evaluation, are `content<TAB>text` / `chrome<TAB>text` per line, one file
    per page, in folders by site: CORPUS/<site>/<page>.tsv.

    \b
    Examples:
      linesift predict page.txt                 # print the page's content lines
      linesift predict crawl.warc.wet.gz -o pages.jsonl.gz   # a crawl, all cores
      linesift label my-dumps/ -o my-labels/    # correct the model in the browser
      linesift train my-labels/ labeled/ -o my.npz   # train on your own labels
      linesift evaluate my-labels/ --cv 5 --report report.html   # measure, split by site
      linesift explain page.txt --line 12       # why line 12 got its label
    """
    if ctx.invoked_subcommand is None:   # bare `linesift`: the help, as asked for
        click.echo(ctx.get_help())



@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Model file to write (.npz; written atomically).")
@_model_options
@click.option("--threshold", type=THRESHOLD, default=None,
              help="P(content) at or above which a line is content, or 'page' (each page cut where its expected "
                   f"F-measure is highest); stored in the model [default: {DEFAULT_THRESHOLD}].")
@click.option("--target-precision", type=click.FloatRange(0, 1, min_open=True), default=None, callback=_not_nan,
              help="Instead of --threshold: the lowest threshold whose out-of-fold precision of content "
                   "(lines, site-grouped cross-validation) reaches this.")
@click.option("--target-recall", type=click.FloatRange(0, 1, min_open=True), default=None, callback=_not_nan,
              help="Instead of --threshold: the highest threshold whose out-of-fold recall of content reaches this.")
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None,
              help="Before training, measure K-fold cross-validation by site and store it in the model; "
                   f"with --target-*, the folds the threshold is chosen on [default: {DEFAULT_TARGET_FOLDS}, "
                   "or the number of sites if fewer].")
@_base_option
@click.option("--keep-correction", is_flag=True,
              help="With --base: keep the correction even where the check on your pages' held-out sites finds it "
                   "no better than the base (by default the base is then written unchanged).")
@click.option("--json", "as_json", is_flag=True, help="Print the training summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@_user_errors
def train(corpus, output, alpha, epochs, context, word_weight, weights, exclude_file, threshold, target_precision,
          target_recall, folds, base_path, keep_correction, as_json, quiet):
    """Train a model on labeled pages.

    CORPUS is a folder of labeled pages (CORPUS/<site>/<page>.tsv) or a single .tsv
    file; give several to train on all of them.

    \b
    Example:
      linesift train labeled/ ../my-labels/ -o my-model.npz --cv 5
      linesift train labeled/ -o precise.npz --target-precision 0.95
      linesift train my-labels/ --base -o mine.npz    # teach the shipped model your notion
      linesift predict -m my-model.npz page.txt
    """
    say = _progress(quiet)
    targeted = target_precision is not None or target_recall is not None
    if target_precision is not None and target_recall is not None:
        raise InputError("train", "--target-precision and --target-recall exclude each other; give one", exit_code=2)
    if targeted and threshold is not None:
        raise InputError("train", "--threshold and --target-* exclude each other: a target chooses the threshold",
                         exit_code=2)
    corpus_weights = _parse_weights(weights, corpus)
    refuse_inputs_as_outputs([output], [*corpus, exclude_file or "-", base_path or "-"], "name another model file",
                             reads=_read_by_corpus)
    base = _load_base(base_path)
    pages = read_corpus(corpus, _read_exclude(exclude_file), corpus_weights)
    hyperparameters = _hyperparameters(alpha, epochs, context, word_weight, threshold, base)
    try:
        model, info = train_corpus(pages, corpus, hyperparameters, corpus_weights, target_precision, target_recall,
                                   folds, base, progress=say, keep_correction=keep_correction)
    except ValueError as error:   # too few sites for the folds, a corpus of one class
        raise InputError(" ".join(corpus), str(error)) from None
    save_model(model, output, info)
    say(f"wrote {output}")
    summary = {"model": output, **info}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        t = info["training"]
        click.echo(f"trained on {t['pages']} pages from {t['sites']} sites: {t['lines']} lines, "
                   f"{t['content_lines']} content" + (f", starting from {base_path}" if base else ""))
        if folds:
            click.echo(metrics_table(info["metrics"]))
        if base:
            click.echo(base_check_line(info["base_check"]))
        click.echo(threshold_line(info["threshold_selection"]))
        click.echo(f"model written to {output}")


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@model_option
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None,
              help="Instead of a model file: K-fold cross-validation split by site; each fold trains a new "
                   "model on the other folds' sites (the model options below apply).")
@_model_options
@threshold_option
@click.option("--baselines/--no-baselines", default=True, show_default=True,
              help="Also score 'every line is content' and C4's line rule on the same pages.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Also write an HTML report: metrics, precision-recall curve, sites worst first, and every "
                   "page with errors, its lines coloured by truth and prediction (one self-contained file).")
@_base_option
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@_user_errors
def evaluate(corpus, model_path, folds, alpha, epochs, context, word_weight, weights, exclude_file, threshold, baselines,
             as_json, report_path, base_path, quiet):
    """Precision, recall and F1 of `content` on labeled pages.

    Reports line-level scores, token-weighted scores (each line weighted by its
    word count: a missed paragraph counts more than a missed 'Share'), a per-class
    table and the confusion counts.

    \b
    Examples:
      linesift evaluate labeled/                       # the shipped model
      linesift evaluate my-labels/ -m my-model.npz --json
      linesift evaluate my-labels/ --cv 5              # train and test by site folds
      linesift evaluate my-labels/ --cv 5 --base       # the same, each fold starting from the shipped model
      linesift evaluate my-labels/ --report report.html   # where the model goes wrong
    """
    say = _progress(quiet)
    if base_path is not None and not folds:
        raise InputError("--base", "trains on your pages: measure it with --cv K (or evaluate a model trained "
                                   "with --base by -m MODEL)", exit_code=2)
    if report_path:
        refuse_inputs_as_outputs([report_path], [*corpus, exclude_file or "-", model_path or "-", base_path or "-"],
                                 "name another report file", reads=_read_by_corpus)
    base = _load_base(base_path)
    pages = read_corpus(corpus, _read_exclude(exclude_file), _parse_weights(weights, corpus))
    if folds:
        if model_path:
            raise InputError(model_path, "--cv trains its own models; leave out -m", exit_code=2)
        try:
            report, probabilities = evaluate_pages(
                pages, folds=folds,
                hyperparameters=_hyperparameters(alpha, epochs, context, word_weight, threshold, base),
                baselines=baselines, progress=say, keep_probabilities=True, base=base)
        except ValueError as error:
            raise InputError(" ".join(corpus), str(error)) from None
    else:
        report, probabilities = evaluate_pages(pages, model=load_model(model_path), threshold=threshold,
                                               baselines=baselines, keep_probabilities=True)
    if report_path:
        with atomic_writer(report_path) as handle:
            handle.write(render_report(pages, probabilities, report["setup"]["threshold"], report,
                                       title=f"linesift evaluation: {' '.join(corpus)}"))
        say(f"wrote {report_path}")
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(metrics_table(report))


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@model_option
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="For pages [default: text]. text: the content lines. labeled: every line as "
                   "content<TAB>text / chrome<TAB>text (correct it and train on it). jsonl: one JSON object "
                   "per page with each line's number, label, probability and text.")
@click.option("--emit", type=click.Choice(EMITS), default=None,
              help="For record files (JSON lines, WARC/WET) [default: text]: one JSON object per page with "
                   "text: the cleaned text in the text field; labels: the text and a label per line "
                   f"({LABELS_FIELD}); spans: Dolma attributes, {{\"id\", \"attributes\": "
                   f"{{\"{SPANS_ATTRIBUTE}\": [[start, end, p], ...]}}}}, a character span and P(content) per "
                   "line, to choose a threshold later.")
@click.option("--text-field", default=TEXT_FIELD, show_default=True,
              help="JSON lines: the field holding the page's text (a dump); the cleaned text goes back there.")
@click.option("--html-field", default=None,
              help="JSON lines: a field holding the page's HTML, used when the text field is absent.")
@click.option("--strict", is_flag=True,
              help="Stop at the first record that cannot be used (not JSON, no text, not HTML), or of several "
                   "pages the first that cannot be read, instead of skipping and counting it.")
@threshold_option
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-", show_default=True,
              help="Output file, or folder for several inputs in text/labeled format (one file per "
                   "input, paths mirrored); '-' is stdout. Record output is compressed by the file's "
                   "extension (.gz, .zst). Files are written atomically.")
@click.option("--resume", is_flag=True,
              help="With -o FOLDER: skip inputs whose output file is already there and not older than the "
                   "input (outputs are written atomically, so one that exists is complete): rerun a killed job "
                   "with the same model and threshold.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Processes to classify pages with: 0 for all cores (never more than this process may use) "
                   "[default: one where two would not finish sooner, the input's estimated work being under "
                   "about 1.5 s (600 dumps, 115 HTML pages or 5 MB of record files); else all "
                   "cores]. Output order is input order.")
@click.option("--links", is_flag=True, help="--format markdown: write links as [text](url).")
@click.option("--metadata", "with_metadata", is_flag=True,
              help="JSON lines (--format jsonl, record files): add what an HTML page states about itself: title, "
                   "canonical url, language, site, published and modified dates, author (in a record, merged into "
                   "its metadata object, its own keys first).")
@click.option("--site-from", type=click.Choice(SITE_FROM), default="url", show_default=True,
              help="Where a page's site comes from for the site pass (pages of one site given together tell each "
                   "other their template). url: the URL given (--url, --sites) or stated by the HTML page "
                   "(canonical link, og:url); a page of no known site is classified alone. folder: the folder "
                   "under the path given, as for labeled corpora.")
@click.option("--url", "page_url", default=None, metavar="URL", help="The URL of the single page given.")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), default=None,
              help="A file of PATH<TAB>URL lines: the URL of each page (its path as found under the inputs).")
@click.option("--keep-fields", "keep_fields", multiple=True, metavar="FIELD",
              help="JSON lines: keep FIELD in the output though linesift read it (the --html-field, left out "
                   "by default: the page's HTML is often most of the record).")
@click.option("--max-page-mb", type=click.FloatRange(min=0, max=MAX_PAGE_MB_OPTION, min_open=True),
              default=MAX_PAGE_MB, show_default=True, callback=_not_nan,
              help="A page larger than this (decompressed; gzip is never inflated further) is refused, or, of "
                   "several pages or in a record file, skipped and counted.")
@click.option("--max-page-lines", type=click.IntRange(min=1, max=MAX_PAGE_LINES_OPTION), default=MAX_PAGE_LINES,
              show_default=True,
              help=f"A page of more lines than this (an HTML page: more than {HTML_TAGS_PER_LINE} tags per line of "
                   "it) is refused, or, of several pages or in a record file, skipped and counted: each line costs "
                   "about 2 KB of memory.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@_user_errors
def predict(inputs, model_path, fmt, emit, text_field, html_field, strict, threshold, output, resume, jobs, links,
            with_metadata, site_from, page_url, sites_file, keep_fields, max_page_mb, max_page_lines, quiet):
    """Label the lines of pages with a model.

    INPUTS are page files (dumps, .tsv labeled pages whose labels are ignored, HTML),
    folders of them (read recursively), '-' for stdin (the default), or record files
    holding many pages: JSON lines (.jsonl, .jsonl.gz, .jsonl.zst; datatrove/Dolma style,
    every field passed through) and Common Crawl WARC/WET (.warc.gz, .warc.wet.gz). No
    input line is ever dropped, reordered or changed: text output is a subsequence of the
    page's lines, labeled output is the page's lines with labels in front.

    Of several pages, one that cannot be read (unreadable, over a limit, not a page) is
    skipped: named on stderr as it happens and counted in the summary, the others written
    as if it were not there; the exit code is then 1 (--strict: the run stops at it).
    A record file's unusable records are skipped and counted the same way, exit 0.
    No output may be an input or lie in an input folder (exit 2, before any work).

    \b
    Examples:
      linesift predict page.txt                       # the content lines
      cat page.txt | linesift predict -               # same, from stdin
      linesift predict --format labeled page.txt > page.tsv   # correct, then train
      linesift predict dumps/ -o cleaned/             # one .txt per input
      linesift predict dumps/ -o cleaned/ --resume    # rerun: only what is not done yet
      linesift predict crawl.warc.wet.gz -o pages.jsonl.gz
      linesift predict shard.jsonl.zst --emit spans -o attributes.jsonl.gz
    """
    inputs = inputs or ("-",)
    if list(inputs).count("-") > 1:
        raise InputError("-", "stdin can be read only once", exit_code=2)
    found = without_labeled_html(find_files(inputs))
    records = [f.path for f in found if record_format(f.path)]
    if records and len(records) != len(found):
        page = next(f.path for f in found if not record_format(f.path))
        raise InputError(page, "record files (JSON lines, WARC) and single pages cannot be mixed in one run",
                         exit_code=2)
    if model_path is not None:
        refuse_inputs_as_outputs([output], [model_path], "name another output")
    process_model(model_path)   # loaded here first: a bad model file stops the run before any work
    jobs = default_jobs(found) if jobs is None else min(jobs or available_cores(), available_cores())
    limits = PageLimits(max_page_mb, max_page_lines)
    if records:
        if fmt is not None or resume:
            raise InputError(records[0], f"{'--format' if fmt else '--resume'} is for pages; record files write "
                                         "JSON lines: choose what they carry with --emit", exit_code=2)
        if page_url or sites_file or site_from != "url":
            raise InputError(records[0], "record files take each page's site from its record's url", exit_code=2)
        if links:
            raise InputError("--links", "is for --format markdown of pages; record files write JSON lines",
                             exit_code=2)
        if with_metadata and emit == "spans":
            raise InputError("--metadata", "goes into the record's metadata, which --emit spans does not write",
                             exit_code=2)
        options = PredictOptions(model_path, threshold, emit=emit or "text", text_field=text_field,
                                 html_field=html_field, strict=strict, jobs=jobs, limits=limits,
                                 keep_fields=tuple(keep_fields), metadata=with_metadata)
        progress = Progress(enabled=not quiet)
        tally = write_records(records, output, options, progress, inputs)
        progress.close()
        if not quiet:
            click.echo(f"linesift: {tally.summary()}", err=True)
    else:
        if emit is not None:
            raise InputError(found[0].path, "--emit is for record files (JSON lines, WARC); use --format for pages",
                             exit_code=2)
        record_only = [name for name, given in (("--text-field", text_field != TEXT_FIELD),
                                                ("--html-field", html_field is not None),
                                                ("--keep-fields", bool(keep_fields))) if given]
        if record_only:
            raise InputError(found[0].path, f"{record_only[0]} is for record files (JSON lines, WARC), not single pages",
                             exit_code=2)
        if links and fmt != "markdown":
            raise InputError("--links", "is for --format markdown", exit_code=2)
        if with_metadata and fmt != "jsonl":
            raise InputError("--metadata", "is for JSON lines output (--format jsonl, or record files)", exit_code=2)
        options = PredictOptions(model_path, threshold, fmt=fmt or "text", strict=strict, jobs=jobs, limits=limits,
                                 links=links, metadata=with_metadata, site_from=site_from,
                                 urls=page_urls(found, page_url, sites_file))
        progress = Progress(enabled=not quiet)
        say = _progress(quiet)

        def skipped_page(error):   # an error: told even with --quiet
            progress.close()
            click.echo(f"linesift: {error} (skipped)", err=True)

        tally = write_pages(inputs, found, output, options, resume, progress, say, skipped_page)
        progress.close()
        if tally.skipped:
            named = ", ".join(error.source for error in tally.skipped[:SKIPPED_NAMED])
            click.echo(f"linesift: {tally.written} page{'s' if tally.written != 1 else ''} done, "
                       f"{len(tally.skipped)} skipped (could not be read, said above): {named}"
                       + (", ..." if len(tally.skipped) > SKIPPED_NAMED else ""), err=True)
            sys.exit(1)
        if tally.written != 1:
            say(f"{tally.written} pages done")


@main.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "labeled_dir", required=True, type=click.Path(file_okay=False),
              help="Folder of labeled pages to write: LABELED_DIR/<site>/<page>.tsv, one per input, saved "
                   "on every change; pages already there are resumed.")
@model_option
@click.option("--order", type=click.Choice(ORDERS), default="uncertain", show_default=True,
              help="uncertain: the pages with the most lines the model is unsure of first; given: as listed.")
@click.option("--no-browser", is_flag=True, help="Only print the URL; do not open a browser.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port on 127.0.0.1 [default: a free one].")
@_user_errors
def label(pages, labeled_dir, model_path, order, no_browser, port):
    """Correct the model's labels of your pages in a local web page.

    PAGES are dumps, labeled pages (.tsv) or HTML pages, files or folders, as predict
    takes them. Each is shown with its lines pre-labeled by the model (or with the labels
    already saved in LABELED_DIR), the lines the model is unsure of marked; click or use
    the keys listed on the page to fix them. Every change is written at once to
    LABELED_DIR/<site>/<page>.tsv (the input's path below its site folder, suffix
    replaced by .tsv), ready for `linesift train`. The server listens on 127.0.0.1 only
    and runs until Ctrl-C.

    \b
    Examples:
      linesift label my-dumps/ -o my-labels/                 # opens the browser
      linesift label page.html -o my-labels/ --no-browser --port 8765
      linesift train my-labels/ labeled/ -o my-model.npz     # then train on them
    """
    session = LabelSession(find_files(pages), labeled_dir, load_model(model_path), order)
    server = make_server(session, port)
    click.echo(f"linesift: labeling {len(session)} page{'s' if len(session) != 1 else ''} at {server.url} "
               "(Ctrl-C to stop)", err=True)
    if not no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass   # Ctrl-C is how the tool is meant to stop; every label is already on disk
    finally:
        server.server_close()


def _content_from(explained):
    """Where the page's content starts, in words: a fixed threshold, or the page's cut."""
    if explained["threshold"] != PAGE_CUT:
        return f"content from P {explained['threshold']:g}"
    if explained["content_from"] is None:
        return "the page's cut keeps no line"
    return f"the page's cut: content from P {explained['content_from']:.3f}"


@main.command()
@click.argument("page", type=click.Path(allow_dash=True))
@click.option("-n", "--line", "number", type=click.IntRange(min=1), required=True,
              help="Line to explain, from 1, counting every line as `predict --format labeled` shows them.")
@model_option
@threshold_option
@click.option("--top", type=click.IntRange(min=1), default=EXPLAIN_TOP, show_default=True,
              help="Terms to list; the rest are summed on one line.")
@click.option("--json", "as_json", is_flag=True, help="Every term as JSON.")
@click.option("--site-pages", "site_paths", multiple=True, type=click.Path(),
              help="Other pages of the page's site (files or a folder; repeatable): the site pass counts the "
                   "line on them, as `predict` does for a site's pages given together.")
@_user_errors
def explain(page, number, model_path, threshold, top, as_json, site_paths):
    """Why a line got its label: its P(content) and the terms of the model's score.

    Each term is a feature of the line (or of its neighbours, or a word cue) times the
    model's weight for it; the terms plus the baseline add up to the score (the logit:
    P(content) = 1 / (1 + exp(-score))). Positive terms push toward content.

    \b
    Examples:
      linesift explain page.txt --line 12
      linesift explain page.html --line 3 --top 20 -m my-model.npz
      linesift explain site/page.txt --line 3 --site-pages site/
    """
    found = find_files([page])
    if len(found) != 1:
        raise InputError(page, "explain takes one page, not a folder", exit_code=2)
    read = read_input_page(found[0].path, found[0].site)
    itself = os.path.realpath(found[0].path)
    siblings = [read_input_page(other.path, other.site).model_lines for other in find_files(site_paths)
                if os.path.realpath(other.path) != itself] if site_paths else []
    model = load_model(model_path)
    try:
        explained = explain_line(model, read.model_lines, number - 1, siblings, threshold)
    except ValueError as error:
        raise InputError(page, str(error), line=number) from None
    explained["source"] = found[0].path
    explained["text"] = read.lines[number - 1]
    if as_json:
        click.echo(json_text(json.dumps(explained, indent=2, ensure_ascii=False)))
        return
    click.echo(f"{found[0].path}:{number}: {explained['label']}, P(content) {explained['probability']:.3f} "
               f"(score {explained['logit']:+.3f}; {_content_from(explained)})")
    click.echo(f"  {explained['text'].strip()[:EXPLAIN_TEXT_CHARS]}")
    shown, rest = explained["terms"][:top], explained["terms"][top:]
    for term in shown:
        click.echo(f"  {term['contribution']:+8.3f}  {term['name']}")
    if rest:
        click.echo(f"  {sum(term['contribution'] for term in rest):+8.3f}  {len(rest)} other terms")
    click.echo(f"  {explained['baseline']:+8.3f}  baseline (the model's intercepts)")
    click.echo(f"  {explained['logit']:+8.3f}  score")
