"""Regions that compete (features.regions): containers ranked by a pass's content words."""

import numpy as np

from linesift.features import dense_feature_names, extract
from linesift.features.page import page_bounds
from linesift.features.regions import SCORED_MAIN_SHARE, region_columns, region_feature_names
from linesift.features.structure import CONTAINER_LEVELS
from linesift.html import read_html
from linesift.model import context_feature_names, context_features

ARTICLE = " ".join(["The council met on Tuesday and agreed to the plan for the river path."] * 3)
TEASER = "A shorter summary of another story that sits in the column of teasers beside it."


def two_regions_page():
    return read_html(f"""<body><div class=story><p>{ARTICLE}</p><p>{ARTICLE}</p><p>{ARTICLE}</p></div>
        <div class=teasers><p>{TEASER}</p><p>{TEASER} Two.</p></div></body>""".encode())


def columns_of(pages, probabilities):
    features = extract(pages)
    page_of_row, start, end = page_bounds(features.page_offsets)
    words = np.expm1(features.dense[:, dense_feature_names().index("log_words")])
    values = region_columns(np.asarray(probabilities, dtype=np.float64), words, features.containers,
                            page_of_row, start, end)
    return dict(zip(region_feature_names(CONTAINER_LEVELS), values))


def test_the_strongest_region_ranks_first_and_the_other_below_it():
    page = two_regions_page()
    region = columns_of([page], [0.9, 0.9, 0.9, 0.8, 0.8])
    assert list(region["region1_vs_best"][:3]) == [1.0, 1.0, 1.0]
    assert (region["region1_vs_best"][3:] < 0.5).all()
    assert region["region1_content_share"][:3].sum() > 3 * SCORED_MAIN_SHARE


def test_the_scored_main_region_is_the_article_not_the_teasers_beside_it():
    region = columns_of([two_regions_page()], [0.9, 0.9, 0.9, 0.8, 0.8])
    assert list(region["in_scored_main"]) == [1, 1, 1, 0, 0]
    assert (region["from_scored_main"][3:] > 0).all() and (region["from_scored_main"][:3] == 0).all()
    assert region["scored_main_line_share"][0] == 3 / 5


def test_a_page_whose_lines_all_score_low_still_has_a_strongest_region():
    region = columns_of([two_regions_page()], [0.02, 0.02, 0.02, 0.01, 0.01])
    assert list(region["region1_vs_best"][:3]) == [1.0, 1.0, 1.0]
    assert list(region["in_scored_main"]) == [1, 1, 1, 0, 0]


def test_a_page_ranks_its_regions_alone_whatever_pages_share_its_batch():
    page, other = two_regions_page(), ["Home", "A line of another page that has nothing to do with it.", "Footer"]
    alone = columns_of([page], [0.9, 0.9, 0.9, 0.8, 0.8])
    batched = columns_of([other, page], [0.99, 0.99, 0.99, 0.9, 0.9, 0.9, 0.8, 0.8])
    for name, values in alone.items():
        np.testing.assert_allclose(batched[name][3:], values, err_msg=name)


def test_the_context_pass_sees_the_regions_by_name():
    features = extract([two_regions_page(), ["One line alone."], []])
    contexts = context_features(np.linspace(-3, 3, len(features.dense)), features)
    assert set(region_feature_names(CONTAINER_LEVELS)) <= set(context_feature_names())
    assert contexts.shape == (len(features.dense), len(context_feature_names()) - features.dense.shape[1])
    assert np.isfinite(contexts).all()
