"""Explain stage: why one line got its label, as the exact sum of the model's terms.

The model's final logit for a line is a sum, and this module lists every term of it:

- without the context pass, logit = intercept + sum over dense features of
  weight x scaled value + the weight of each hashed cue the line has;
- with it, logit = context intercept + sum over the context pass's columns of
  weight x scaled value. Its first column is the line's own first-pass logit (clipped at
  +-LOGIT_CLIP): that term is broken into the first-pass terms above, each scaled by the
  column's weight (and shrunk in proportion when the logit was clipped), and each dense
  feature's share is added to that feature's own column in the context pass. The other
  columns are the neighbours' and the page's first-pass scores, named by what they say
  ("previous line looks like chrome (p=0.08)").

The constants (intercepts, and the centring of the own-logit column) are one
"baseline" term, so the terms plus the baseline equal the model's logit exactly.
"""

import numpy as np

from linesift.features import extract
from linesift.labels import LABEL_NAMES, content_from, labels_from_probabilities, resolve_threshold
from linesift.model import LOGIT_CLIP, _sigmoid, context_feature_names

# A phrase per dense feature family, for a reader: (kind, text). Kinds: "count" shows
# exp(value) - 1 of a log(1 + n) feature, "flag" a yes/no ("text" when 1, "not text" when 0
# unless a "|"-separated negative is given), "share" a number from 0 to 1, "number" as is.
FEATURE_PHRASES = {
    "log_chars": ("count", "{:.0f} characters"),
    "log_words": ("count", "{:.0f} words"),
    "no_words": ("flag", "no word characters at all|has words"),
    "mean_word_length": ("number", "{:.1f} characters per word"),
    "link_density": ("share", "link density {:.2f}"),
    "log_links": ("count", "{:.0f} links"),
    "has_image": ("flag", "holds an image|no image"),
    "log_indent": ("count", "indented {:.0f} spaces"),
    "is_list": ("flag", "a list item|not a list item"),
    "is_heading": ("flag", "a heading|not a heading"),
    "is_title_heading": ("flag", "the page's title heading|not the page's title heading"),
    "is_quote": ("flag", "a quote|not a quote"),
    "is_table": ("flag", "a table row|not a table row"),
    "stopword_density": ("share", "function-word density {:.2f}"),
    "log_chrome_words": ("count", "{:.0f} chrome-list words ('share', 'menu', ...)"),
    "chrome_word_density": ("share", "chrome-list word density {:.2f}"),
    "title_case_ratio": ("share", "capitalised words {:.2f}"),
    "digit_ratio": ("share", "digit share {:.2f}"),
    "punctuation_ratio": ("share", "punctuation share {:.2f}"),
    "ends_sentence": ("flag", "ends a sentence|does not end a sentence"),
    "ends_colon": ("flag", "ends in ':'|does not end in ':'"),
    "log_separators": ("count", "{:.0f} menu separators (' | ', ' · ')"),
    "has_year": ("flag", "holds a year|no year"),
    "has_time": ("flag", "holds a clock time|no clock time"),
    "photo_credit": ("flag", "looks like a photo credit|no photo credit"),
    "duplicated": ("flag", "repeated elsewhere on the page|not repeated on the page"),
    "position_from_top": ("share", "{:.0%} of the way down the page"),
    "position_from_bottom": ("share", "{:.0%} of the way up from the bottom"),
    "text_before": ("share", "{:.0%} of the page's text comes before it"),
    "blank_before": ("flag", "blank line before it|no blank line before it"),
    "blank_after": ("flag", "blank line after it|no blank line after it"),
    "is_first": ("flag", "the first line of the page|not the first line"),
    "is_last": ("flag", "the last line of the page|not the last line"),
    "lines_to_next_prose": ("count", "{:.0f} lines to the next line of prose"),
    "lines_since_prose": ("count", "{:.0f} lines since the previous line of prose"),
    "prose_before": ("share", "{:.0%} of the page's prose comes before it"),
    "prose_after": ("share", "{:.0%} of the page's prose comes after it"),
    "prose_around": ("share", "inside the prose: {:.2f}"),
    "from_peak": ("number", "{:+.2f} pages from the most prose-like line"),
    "from_peak_abs": ("number", "{:.2f} pages from the most prose-like line"),
    "headline_candidate": ("flag", "the headline candidate: just above the first prose|not the headline candidate"),
    "page_log_lines": ("count", "page of {:.0f} lines"),
    "site_known": ("flag", "its site's other pages are known (the site pass)|its site's other pages are not known"),
    "site_line_share": ("share", "on {:.0%} of its site's other pages"),
    "site_line_unique": ("flag", "on none of its site's other pages|not unique to this page (or its site's other pages not known)"),
    "site_window_share": ("share", "lines within ±3 are on {:.0%} of its site's other pages on average"),
    "page_linked_lines": ("share", "page: {:.0%} of lines hold a link"),
    "page_link_density": ("share", "page: mean link density {:.2f}"),
    **{f"in_main{p}": ("flag", f"inside the container holding {p}% of the page's running text|"
                               f"outside the container holding {p}% of the page's running text") for p in (50, 80)},
    **{f"main{p}_line_share": ("share", f"the container holding {p}% of the running text has {{:.0%}} of the page's lines")
       for p in (50, 80)},
    "repeat_units": ("count", "inside a structure of {:.0f} repeated units (cards, posts, items)"),
    "repeat_unit_lines": ("count", "its repeated unit holds {:.0f} lines"),
    "repeat_line_share": ("share", "the repeated units around it hold {:.0%} of the page's lines"),
    "repeat_mass_share": ("share", "the repeated units around it hold {:.0%} of the page's running text"),
    **{f"from_main{p}": ("share", f"{{:.0%}} of the page's lines away from the container holding {p}% of its running text")
       for p in (50, 80)},
}
# Container features (features.structure): "container2_mass_share" is the second container
# out from the line, and what is measured of it.
CONTAINER_NAMES = {"container1": "its container", "container2": "the container around that",
                   "container3": "the third container out"}
# Region features (features.regions): containers ranked by the words the first pass finds content in.
SCORED_MAIN = "the region holding most of the page's words that look like content"
# Lines of one path (features.structure.path_peers): a listing's cards' fields, an article's paragraphs.
PATH_PEERS = "the page's lines with its path (tags and innermost classes)"
REGION_PHRASES = {
    "from_scored_main": "{:.0%} of the page's lines away from " + SCORED_MAIN,
    "scored_main_line_share": SCORED_MAIN + " has {:.0%} of its lines",
}
CONTAINER_PHRASES = {
    "log_lines": ("count", "{:.0f} lines"),
    "mass_share": ("share", "holds {:.0%} of the page's running text"),
    "link_density": ("share", "link density {:.2f}"),
    "mass_density": ("share", "{:.0%} running text"),
}
# Window features are means over the lines around: their own phrases.
WINDOW_PHRASES = {
    "log_words": "mean log(1 + words) {:.2f}",
    "link_density": "mean link density {:.2f}",
    "ends_sentence": "share ending a sentence {:.2f}",
    "stopword_density": "mean function-word density {:.2f}",
}
# Neighbours as features.py (±2) and the context pass (±3) name them.
NEIGHBOUR_NAMES = {"prev3": "line 3 above", "prev2": "line 2 above", "prev1": "previous line",
                   "next1": "next line", "next2": "line 2 below", "next3": "line 3 below"}


def _looks(logit, verb="looks"):
    p = float(_sigmoid(logit))
    return f"{verb} like {'content' if p >= 0.5 else 'chrome'} (p={p:.2f})"


def _phrase(base, value):
    kind, text = FEATURE_PHRASES[base]
    if kind == "flag":
        yes, _, no = text.partition("|")
        return yes if value >= 0.5 else (no or f"not {yes}")
    return text.format(np.expm1(value) if kind == "count" else value)


def describe_feature(name, value):
    """A dense feature and its value in words: 'link density 0.92', 'previous line: 3 words'."""
    if name in FEATURE_PHRASES:
        return _phrase(name, value)
    prefix, _, base = name.partition("_")          # "prev1_log_words", "window3_link_density"
    if prefix in CONTAINER_NAMES:
        kind, text = CONTAINER_PHRASES[base]
        return f"{CONTAINER_NAMES[prefix]}: {text.format(np.expm1(value) if kind == 'count' else value)}"
    if prefix.startswith("window"):
        return f"lines within ±{prefix[len('window'):]}: {WINDOW_PHRASES[base].format(value)}"
    return f"{NEIGHBOUR_NAMES[prefix]}: {_phrase(base, value)}"


def describe_context(name, value):
    """A context-pass column (a first-pass logit, or a statistic of them) in words."""
    if name.startswith("content_share_"):          # "content_share_container2"
        return f"{value:.0%} of the lines of {CONTAINER_NAMES[name[len('content_share_'):]]} look like content"
    if name.startswith("region"):                  # "region2_content_share", "region2_vs_best"
        level, _, what = name[len("region"):].partition("_")
        where = CONTAINER_NAMES[f"container{level}"]
        if what == "content_share":
            return f"{where} holds {value:.0%} of the words of the page that look like content"
        return (f"{where} holds {value:.0%} as many words that look like content as the page's strongest "
                "region of its level")
    if name == "in_scored_main":
        return f"{'inside' if value >= 0.5 else 'outside'} {SCORED_MAIN}"
    if name in REGION_PHRASES:
        return REGION_PHRASES[name].format(value)
    if name == "path_peers_content_share":
        return f"{value:.0%} of {PATH_PEERS} look like content"
    if name == "path_peers_log_count":
        return f"{np.exp(value):.0f} lines of the page have its path (tags and innermost classes)"
    key = name[len("logit_"):]                     # "logit_prev1", "logit_window5", "logit_page_mean"
    if name == "logit":
        return f"this line {_looks(value)}"
    if key in NEIGHBOUR_NAMES:
        return f"{NEIGHBOUR_NAMES[key]} {_looks(value)}"
    if key.startswith("window"):
        return f"lines within ±{key[len('window'):]} on average {_looks(value, 'look')}"
    if key in CONTAINER_NAMES:
        return f"the lines of {CONTAINER_NAMES[key]} on average {_looks(value, 'look')}"
    if key.startswith("main"):
        return f"the container holding {key[len('main'):]}% of the running text on average {_looks(value, 'looks')}"
    return {
        "page_mean": f"the page's lines on average {_looks(value, 'look')}",
        "page_max": f"the page's most content-like line (p={float(_sigmoid(value)):.2f})",
        "below_page_max": f"this line scores {value:.1f} below the page's most content-like line",
        "path_peers": f"{PATH_PEERS} on average {_looks(value, 'look')}",
    }[key]


def explain_line(model, lines, index, site_pages=(), threshold=None):
    """Every term of the model's logit for ``lines[index]`` (0-based; lines of one page, as
    the model reads them). Returns a dict: logit, probability, label, threshold,
    content_from (the lowest P of the page's content lines, None when it has none), baseline
    and ``terms`` (name, kind, value, contribution), largest contribution first; the
    contributions plus the baseline sum to the logit. ``site_pages``: other pages of the
    page's site (lists of lines), classified with it as the site pass does in a batch.
    The label is the one ``predict`` gives the line at ``threshold`` (the model's own when
    None): the page's labels by ``labels_from_probabilities``, page cut or keep-best rule and all.
    Raises ValueError for a line the model does not classify (blank) or out of range."""
    if not 0 <= index < len(lines):
        raise ValueError(f"no such line: the page has {len(lines)} lines")
    features = extract([lines, *site_pages], model.hash_bits, cue_names=True, sites=[0] * (1 + len(site_pages)))
    rows = np.flatnonzero(features.line_index[:features.page_offsets[1]] == index)   # the page's own, not a site page's
    if not len(rows):
        raise ValueError("blank line: blank lines are not classified")
    row = int(rows[0])
    names = model.dense_feature_names_
    raw = features.dense[row]
    first_dense = model.coef_dense_ * (raw - model.scale_mean_) / model.scale_std_
    cues = features.hash_row == row
    cue_names = features.hash_name[cues]
    first_cues = model.coef_hash_[features.hash_bucket[cues]].astype(np.float64)
    first_logits = model._first_pass_logits(features)
    own = first_logits[row]
    dense = first_dense
    cue_part = first_cues
    context_terms = []
    baseline = model.intercept_
    if len(model.context_coef_):
        # The own-logit column, weight a on (clip(L) - mean) / std: each first-pass term t
        # gives a * t * clip(L) / L (the share of the clipped logit), the centring goes to the baseline.
        a = model.context_coef_[0] / model.context_std_[0]
        clipped = float(np.clip(own, -LOGIT_CLIP, LOGIT_CLIP))
        share = a * (clipped / own if own != clipped else 1.0)
        inputs = model._context_inputs(first_logits, features)[row]
        contributions = model.context_coef_ * inputs
        k = len(context_feature_names()) - len(names)
        raw_context = inputs * model.context_std_ + model.context_mean_
        dense = share * first_dense + contributions[k:]
        cue_part = share * first_cues
        baseline = model.context_intercept_ - a * model.context_mean_[0] + share * model.intercept_
        context_terms = [{"name": describe_context(name, raw_context[j]), "kind": "context",
                          "feature": name, "value": float(raw_context[j]), "contribution": float(contributions[j])}
                         for j, name in enumerate(context_feature_names()[1:k], start=1)]
    correction = getattr(model, "correction_terms", None)   # a model trained with --base: linesift.transfer
    if correction is not None:
        dense_part, cue_correction, base_contexts, constant = correction(features, row)
        dense = dense + dense_part
        cue_part = cue_part + cue_correction
        baseline += constant
        context_terms += [{"name": f"base model: {describe_context(name, value)}", "kind": "base",
                           "feature": f"base_{name}", "value": value, "contribution": contribution}
                          for name, value, contribution in base_contexts]
    terms = [{"name": describe_feature(name, raw[j]), "kind": "feature", "feature": name,
              "value": float(raw[j]), "contribution": float(dense[j])} for j, name in enumerate(names)]
    terms += [{"name": str(name), "kind": "cue", "contribution": float(c)} for name, c in zip(cue_names, cue_part)]
    terms += context_terms
    terms.sort(key=lambda term: -abs(term["contribution"]))
    logits = model.row_logits(features)
    logit = float(logits[row])
    page_rows = slice(0, features.page_offsets[1])
    page_probabilities = np.full(len(lines), np.nan)
    page_probabilities[features.line_index[page_rows]] = _sigmoid(logits[page_rows])
    cut = resolve_threshold(model, threshold)
    labels = labels_from_probabilities(page_probabilities, cut, lines)
    return {
        "line": index + 1,
        "logit": logit,
        "probability": float(_sigmoid(logit)),
        "threshold": cut,
        "content_from": content_from(page_probabilities, labels),
        "label": LABEL_NAMES[labels[index]],
        "first_pass_logit": float(own),
        "baseline": float(baseline),
        "terms": terms,
    }
