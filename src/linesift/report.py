"""Report stage: an evaluation -> one self-contained HTML page a person reads to see
where the model goes wrong.

The page holds the metrics table (the numbers of ``evaluate --json``; each cell carries
its JSON path and exact value in ``data-key`` / ``data-value``), the precision-recall
curve of ``content`` over thresholds with the threshold in use marked (inline SVG), the
sites worst first, and every page with at least one wrong line, its lines coloured by
truth (background) and prediction (a bar on the left). No scripts, no external CSS,
fonts or images: it renders the same from a mail attachment or a browser with
JavaScript off. All page text is escaped.
"""

import html
from collections import defaultdict

import numpy as np

from linesift.evaluation import page_labels, score
from linesift.labels import CHROME, CONTENT, LABEL_NAMES, PAGE_CUT, UNLABELED, describe_threshold
from linesift.threshold import labeled_scores, point_at, pr_curve

SVG_WIDTH, SVG_HEIGHT, SVG_MARGIN = 520, 380, 48
CURVE_POINTS = 600          # the curve is drawn through at most this many points: a corpus has
                            # a distinct threshold per line, far more than a 520-pixel plot shows
TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
METRIC_ROWS = (("content, lines", "content"), ("content, tokens (pooled)", "tokens"),
               ("content, tokens (per page)", "tokens_per_page"))
PRF = ("precision", "recall", "f1")

STYLE = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 72em;
       color: #222; padding: 0 1em; }
h1, h2, h3 { font-weight: 600; } h3 { margin: 1.6em 0 .3em; font-size: 1.05em; word-break: break-all; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { padding: .2em .7em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.baseline td { color: #666; }
.legend span { display: inline-block; margin-right: 1.2em; padding: .1em .5em; }
.lines { font: 13px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; border: 1px solid #ccc; }
.line { display: flex; border-left: 8px solid transparent; }
.line .n, .line .p, .line .mark { flex: none; color: #555; padding: 0 .4em; text-align: right; }
.line .n { width: 3.5em; } .line .p { width: 4em; } .line .mark { width: 1.2em; color: #c00; font-weight: bold; }
.line .text { white-space: pre-wrap; word-break: break-word; flex: 1; }
.truth-content { background: #d4f0d4; }
.truth-chrome { background: #f1f1f1; }
.blank { background: #fff; min-height: 1.35em; }
.pred-content { border-left-color: #1f5fbf; }
.pred-chrome { border-left-color: #fff; }
.error { outline: 2px solid #d22; outline-offset: -2px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
"""


def _text(value):
    """Page text as HTML: escaped, and bytes that were not UTF-8 (lone surrogates) shown
    as U+FFFD rather than written out as invalid UTF-8."""
    return html.escape(str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace"), quote=True)


def _number(key, value, digits=4):
    shown = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return f'<td data-key="{_text(key)}" data-value="{value!r}">{shown}</td>'


def metrics_table(report):
    """The numbers of ``evaluate --json``: linesift and the baselines, classes, confusion."""
    rows = ["<table class=\"metrics\"><tr><th></th><th>precision</th><th>recall</th><th>F1</th></tr>"]
    systems = [("linesift", report["linesift"], "")]
    systems += [(name, metrics, "baseline") for name, metrics in report.get("baselines", {}).items()]
    for system, metrics, css in systems:
        prefix = "linesift" if system == "linesift" else f"baselines.{system}"
        for label, key in METRIC_ROWS:
            cells = "".join(_number(f"{prefix}.{key}.{m}", metrics[key][m]) for m in PRF)
            name = label if system == "linesift" else f"{system}: {label}"
            rows.append(f'<tr class="{css}"><td>{_text(name)}</td>{cells}</tr>')
    rows.append("</table>")
    m = report["linesift"]
    rows.append("<table class=\"classes\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>"
                "<th>support</th></tr>")
    for name, c in m["classes"].items():
        cells = "".join(_number(f"linesift.classes.{name}.{k}", c[k]) for k in (*PRF, "support"))
        rows.append(f"<tr><td>{_text(name)}</td>{cells}</tr>")
    rows.append("</table>")
    c = m["confusion"]
    rows.append("<table class=\"confusion\"><tr><th>content is positive</th><th>predicted content</th>"
                "<th>predicted chrome</th></tr>"
                f"<tr><td>true content</td>{_number('linesift.confusion.tp', c['tp'])}"
                f"{_number('linesift.confusion.fn', c['fn'])}</tr>"
                f"<tr><td>true chrome</td>{_number('linesift.confusion.fp', c['fp'])}"
                f"{_number('linesift.confusion.tn', c['tn'])}</tr></table>")
    if "shingles" in m:
        rows.append("<table class=\"shingles\"><tr><th>linesift's content vs gold</th><th>precision</th>"
                    "<th>recall</th><th>F1</th></tr>")
        for name, key in (("shingle measure (ScrapingHub)", "shingles"), ("word measure (WCXB)", "words")):
            cells = "".join(_number(f"linesift.{key}.{k}", m[key][k]) for k in PRF)
            rows.append(f"<tr><td>{name}</td>{cells}</tr>")
        rows.append("</table>")
    return "\n".join(rows)


def _xy(recall, precision):
    width, height = SVG_WIDTH - 2 * SVG_MARGIN, SVG_HEIGHT - 2 * SVG_MARGIN
    return SVG_MARGIN + recall * width, SVG_HEIGHT - SVG_MARGIN - precision * height


def pr_svg(curve, threshold, pooled=None):
    """The precision-recall curve (recall across, precision up) with the threshold's point
    marked: a number's point on the curve; for the page cut, which has a threshold per page,
    ``pooled`` (precision, recall) of the labels it gave."""
    keep = np.unique(np.linspace(0, len(curve.thresholds) - 1, min(CURVE_POINTS, len(curve.thresholds))).astype(int))
    points = " ".join("%.1f,%.1f" % _xy(curve.recall[i], curve.precision[i]) for i in keep)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="pr-curve" width="{SVG_WIDTH}" height="{SVG_HEIGHT}" '
             f'viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" role="img" aria-label="precision-recall curve of content">']
    for tick in TICKS:
        x, y0 = _xy(tick, 0)
        x0, y = _xy(0, tick)
        x1, _ = _xy(1, tick)
        _, y1 = _xy(tick, 1)
        parts.append(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="#eee"/>'
                     f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{x:.1f}" y="{y0 + 16:.1f}" text-anchor="middle">{tick:.1f}</text>'
                     f'<text x="{x0 - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">{tick:.1f}</text>')
    left, bottom = _xy(0, 0)
    right, top = _xy(1, 1)
    parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" height="{bottom - top:.1f}" '
                 'fill="none" stroke="#999"/>'
                 f'<text x="{(left + right) / 2:.1f}" y="{SVG_HEIGHT - 8}" text-anchor="middle">recall of content (words)</text>'
                 f'<text x="14" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + bottom) / 2:.1f})">precision of content (words)</text>')
    if len(keep):
        parts.append(f'<polyline class="curve" points="{points}" fill="none" stroke="#1f5fbf" stroke-width="2"/>')
    if threshold == PAGE_CUT:
        precision, recall = pooled
        label = f"the page's cut: precision {precision:.3f}, recall {recall:.3f}"
    else:
        precision, recall = point_at(curve, threshold)
        label = f"threshold {threshold:.2f}: precision {precision:.3f}, recall {recall:.3f}"
    x, y = _xy(recall, precision)
    anchor = "end" if x > SVG_WIDTH / 2 else "start"
    dx = -10 if anchor == "end" else 10
    parts.append(f'<g class="threshold-marker" data-threshold="{threshold!r}" data-precision="{precision!r}" '
                 f'data-recall="{recall!r}"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#d22" stroke="#fff"/>'
                 f'<text x="{x + dx:.1f}" y="{y + 18:.1f}" text-anchor="{anchor}">{_text(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def site_rows(pages, predictions):
    """(site, pages, metrics) per site, worst first: by token F1 averaged over its pages, then line F1."""
    by_site = defaultdict(list)
    for i, page in enumerate(pages):
        by_site[page.site].append(i)
    rows = [(site, len(chosen), score([pages[i] for i in chosen], [predictions[i] for i in chosen]))
            for site, chosen in by_site.items()]
    return sorted(rows, key=lambda row: (row[2]["tokens_per_page"]["f1"], row[2]["content"]["f1"], row[0]))


def sites_table(rows):
    out = ["<table class=\"sites\"><tr><th>site</th><th>pages</th><th>lines</th><th>line P</th><th>line R</th>"
           "<th>line F1</th><th>token F1 (per page)</th><th>wrong lines</th></tr>"]
    for site, count, m in rows:
        wrong = m["confusion"]["fp"] + m["confusion"]["fn"]
        out.append(f"<tr><td>{_text(site)}</td><td>{count}</td><td>{m['lines']}</td>"
                   + "".join(f"<td>{m['content'][k]:.3f}</td>" for k in PRF)
                   + f"<td>{m['tokens_per_page']['f1']:.3f}</td><td>{wrong}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def page_errors(page, predicted):
    """(false content, false chrome) line counts of a page: chrome called content, content called chrome."""
    truth = np.asarray(page.labels)
    guess = np.asarray(predicted)
    labeled = truth != UNLABELED
    return (int(np.sum(labeled & (truth == CHROME) & (guess == CONTENT))),
            int(np.sum(labeled & (truth == CONTENT) & (guess == CHROME))))


LEGEND = ('<p class="legend"><span class="truth-content">background green: labeled content</span>'
          '<span class="truth-chrome">background grey: labeled chrome</span>'
          '<span class="pred-content" style="border-left: 8px solid #1f5fbf">blue bar: predicted content</span>'
          '<span>no bar: predicted chrome</span>'
          '<span class="error">red box and ✗: wrong</span> p = P(content)</p>')


def page_section(number, page, probabilities, predicted, errors):
    false_content, false_chrome = errors
    out = [f'<section class="page" id="page-{number}" data-source="{_text(page.source)}">',
           f"<h3>{_text(page.source)}</h3>",
           f"<p>site {_text(page.site)}: {false_content} chrome line{'s' * (false_content != 1)} predicted content, "
           f"{false_chrome} content line{'s' * (false_chrome != 1)} predicted chrome</p>",
           '<div class="lines">']
    for n, (line, label, probability, guess) in enumerate(zip(page.lines, page.labels, probabilities, predicted), 1):
        if label == UNLABELED or np.isnan(probability):
            out.append(f'<div class="line blank"><span class="n">{n}</span><span class="p"></span>'
                       f'<span class="mark"></span><span class="text">{_text(line)}</span></div>')
            continue
        wrong = label != guess
        css = f"line truth-{LABEL_NAMES[label]} pred-{LABEL_NAMES[int(guess)]}" + (" error" if wrong else "")
        out.append(f'<div class="{css}"><span class="n">{n}</span><span class="p">{probability:.3f}</span>'
                   f'<span class="mark">{"✗" if wrong else ""}</span><span class="text">{_text(line)}</span></div>')
    out.append("</div></section>")
    return "\n".join(out)


def render_report(pages, probabilities, threshold, report, title="linesift evaluation"):
    """The HTML report (a string) of ``probabilities`` (per line of each page) labeled at
    ``threshold``, with ``report`` the metrics ``evaluate`` computed from them."""
    predicted = page_labels(pages, probabilities, threshold)
    curve = pr_curve(*labeled_scores(pages, probabilities))
    errors = [page_errors(page, guess) for page, guess in zip(pages, predicted)]
    wrong = sorted((i for i, e in enumerate(errors) if sum(e)), key=lambda i: (-sum(errors[i]), pages[i].source))
    m = report["linesift"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_text(title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{_text(title)}</h1>",
           f"<p>{m['pages']} pages, {m['lines']} labeled lines; {_text(report['setup']['mode'])}; "
           f"threshold on P(content): {describe_threshold(threshold)}.</p>",
           "<h2>Metrics</h2>", metrics_table(report),
           "<h2>Precision and recall of content over thresholds</h2>",
           "<p>Each point is a threshold: lines with P(content) at or above it are content. Precision "
           "and recall count words (each line weighted by its words, pooled over the pages), as the "
           "\u201ccontent, tokens (pooled)\u201d row above. The red dot is the threshold in use (at the "
           "page cut, a threshold per page: where its labels fall).</p>",
           pr_svg(curve, threshold, (m["tokens"]["precision"], m["tokens"]["recall"])),
           "<h2>Sites, worst first</h2>", sites_table(site_rows(pages, predicted)),
           f"<h2>Pages with errors ({len(wrong)} of {len(pages)})</h2>", LEGEND,
           '<ol class="error-pages">']
    out += [f'<li><a href="#page-{i}">{_text(pages[i].source)}</a>: {sum(errors[i])} wrong</li>' for i in wrong]
    out.append("</ol>")
    out += [page_section(i, pages[i], probabilities[i], predicted[i], errors[i]) for i in wrong]
    out.append("</body></html>\n")
    return "\n".join(out)
