"""The plain-text tables the commands print (``--json`` gives the same numbers as data)."""

from linesift.labels import describe_threshold


def metrics_table(report):
    """The evaluation report as the table `evaluate` and `train --cv` print."""
    m = report["linesift"]
    rows = [f"{m['pages']} pages, {m['lines']} lines ({report['setup']['mode']})", "",
            f"{'':40}{'precision':>10}{'recall':>10}{'F1':>10}"]

    def row(name, prf):
        return f"{name:40}{prf['precision']:>10.4f}{prf['recall']:>10.4f}{prf['f1']:>10.4f}"

    def system_rows(prefix, metrics):
        rows.append(row(f"{prefix}, lines", metrics["content"]))
        rows.append(row(f"{prefix}, tokens (pooled)", metrics["tokens"]))
        rows.append(row(f"{prefix}, tokens (per page)", metrics["tokens_per_page"]))
        if "shingles" in metrics:   # HTML corpora: the content text against gold.txt
            rows.append(row(f"{prefix}, shingles vs gold", metrics["shingles"]))
            rows.append(row(f"{prefix}, WCXB words vs gold", metrics["words"]))

    system_rows("content", m)
    for name, base in report.get("baselines", {}).items():
        system_rows(f"  {name}", base)
    if "page_types" in m:
        rows += ["", f"{'page type (content vs gold)':30}{'pages':>6}{'shingle P':>11}{'R':>8}{'F1':>8}"
                     f"{'word P':>10}{'R':>8}{'F1':>8}"]
        for page_type, t in m["page_types"].items():
            rows.append(f"{page_type:30}{t['pages']:>6}{t['shingles']['precision']:>11.4f}{t['shingles']['recall']:>8.4f}"
                        f"{t['shingles']['f1']:>8.4f}{t['words']['precision']:>10.4f}{t['words']['recall']:>8.4f}"
                        f"{t['words']['f1']:>8.4f}")
    rows += ["", f"{'class':40}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}"]
    for name, c in m["classes"].items():
        rows.append(row(name, c) + f"{c['support']:>10}")
    c = m["confusion"]
    rows += ["", "confusion (content is positive):",
             f"  true content predicted content (tp) {c['tp']:>8}   true chrome predicted content (fp) {c['fp']:>8}",
             f"  true content predicted chrome  (fn) {c['fn']:>8}   true chrome predicted chrome  (tn) {c['tn']:>8}"]
    return "\n".join(rows)


def threshold_line(selection):
    """How the threshold stored in a trained model was chosen, in one line."""
    line = f"threshold {describe_threshold(selection['threshold'])} ({selection['method']})"
    if "target" in selection:
        line += (f": out-of-fold precision {selection['precision']:.4f}, recall {selection['recall']:.4f} "
                 f"of content at it")
    return line


def base_check_line(check):
    """What the --base check found: the correction against the base on held-out sites."""
    if not check["folds"]:
        return ("not checked against the base: your pages come from one site, and the check holds out whole "
                "sites (label pages of a second site to have it checked)")
    numbers = (f"{check['folds']}-fold cross-validation by site on your pages, {check['measure']} F1: "
               f"base {check['base']['f1']:.4f}, with the correction {check['corrected']['f1']:.4f}")
    if check["kept"] == "base":
        return f"{numbers}: the correction does not beat the base, so the base is written unchanged " \
               "(--keep-correction keeps it anyway)"
    if not check["better"]:
        return f"{numbers}: the correction does not beat the base; kept as asked (--keep-correction)"
    return f"{numbers}: the correction is kept"
