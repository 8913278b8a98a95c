"""The structure family (features/structure.py) and the containers the HTML reader records,
on tiny synthetic pages: one test per knob."""

import numpy as np
import pytest

from linesift.features import dense_feature_names, extract
from linesift.features._structure import NO_SIGNATURE, dump_containers, paint
from linesift.features.structure import CONTAINER_LEVELS, MASS_MIN_CHARS, REPEAT_MIN, text_mass
from linesift.html import read_html
from linesift.lines import parse_line

PROSE = "The council voted on the plan and it was approved by a wide margin after a long debate."


def column(features, name):
    return features.dense[:, dense_feature_names().index(name)]


def test_html_blocks_are_the_line_ranges_of_block_elements():
    page = read_html(b"<body><nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></nav>"
                     b"<article><p>One.</p><p>Two <b>bold</b>.</p></article><p>Foot</p></body>")
    assert [line.text for line in page] == ["Home", "News", "One.", "Two bold.", "Foot"]
    blocks = {(first, end) for first, end, _ in page.blocks}
    assert {(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (2, 4), (4, 5), (0, 5)} <= blocks
    # Inline elements and elements without a line are no containers.
    assert all(end > first for first, end, _ in page.blocks)
    signature = {(first, end): sign for first, end, sign in page.blocks}
    assert signature[(0, 1)] == signature[(1, 2)] != signature[(2, 3)]    # <li> and <li>, not <p>


def test_dropped_elements_leave_no_container_and_a_hidden_block_is_one():
    page = read_html(b"<body><script>s</script><p>Kept.</p><span hidden><b>gone</b></span></body>")
    assert [line.text for line in page] == ["Kept."]
    assert {(first, end) for first, end, _ in page.blocks} <= {(0, 1)}
    page = read_html(b"<body><div hidden><p>x</p><p>y</p></div><p>Kept.</p></body>")
    assert (0, 2) in {(first, end) for first, end, _ in page.blocks}


def test_dump_containers_are_blocks_cut_at_headings_and_nested_sections():
    lines = ["Home", "News", "", "# Title", "Para one.", "Para two.", "", "## Part", "Text.", "", "Footer"]
    ranges = {(first, end) for first, end, _ in _dump_containers(lines)}
    assert (0, 2) in ranges                  # the block of the first two lines
    assert (4, 6) in ranges                  # the heading ends no block; its own line is not in it
    assert (3, 11) in ranges and (7, 11) in ranges    # '#' section holds the '##' one
    assert (8, 9) in ranges and (10, 11) in ranges


def _dump_containers(lines):
    rows = np.array([at for at, line in enumerate(lines) if line.strip()], dtype=np.int64)
    heading = np.array([parse_line(lines[at]).heading for at in rows], dtype=np.float64)
    return [tuple(found) for found in dump_containers(rows, heading, len(lines)).tolist()]


def test_a_quoted_heading_starts_no_section():
    page = ["# Title", "Para one.", "> ## Quoted", "> Quoted text.", "Para two."]
    level_start, level_end = extract([page]).containers.levels[0]
    # The block under the title runs on through the quote: a heading would have cut it (3-5).
    assert (level_start[4], level_end[4]) == (1, 5)


def test_a_dump_without_headings_has_its_blocks_between_blank_lines():
    assert _dump_containers(["a", "b", "", "c"]) == [(0, 2, NO_SIGNATURE), (3, 4, NO_SIGNATURE)]


def test_text_mass_counts_long_link_free_text_only():
    chars = np.array([MASS_MIN_CHARS - 1, MASS_MIN_CHARS + 10, 100.0])
    links = np.array([0, 0, 90.0])
    assert text_mass(chars, links).tolist() == [0, MASS_MIN_CHARS + 10, 0]


def _article_page():
    html = ("<body><ul>" + "".join(f"<li><a href=/{i}>Link {i}</a></li>" for i in range(6)) + "</ul>"
            "<div id=story><p>" + PROSE + "</p><div class=share><a>Share</a></div><p>" + PROSE + "</p>"
            "<p>Short one.</p></div><footer><p>About</p><p>Contact</p></footer></body>")
    return read_html(html.encode())


def test_levels_are_the_multi_line_containers_around_a_line():
    page = _article_page()
    features = extract([page])
    share_row = [line.text for line in page].index("Share")
    # Level 1 of "Share" is the story (its own div holds one line only), level 2 the body.
    assert np.expm1(column(features, "container1_log_lines")[share_row]) == pytest.approx(4)
    assert np.expm1(column(features, "container2_log_lines")[share_row]) == pytest.approx(len(page))
    assert column(features, "container1_mass_share")[share_row] == pytest.approx(1.0)
    menu_row = 0
    assert column(features, "container1_link_density")[menu_row] == pytest.approx(1.0)
    assert column(features, "container1_mass_share")[menu_row] == 0.0
    assert len([n for n in dense_feature_names() if n.startswith("container")]) == 4 * CONTAINER_LEVELS


def test_main_container_is_the_innermost_holding_the_share_of_text_mass():
    page = _article_page()
    features = extract([page])
    texts = [line.text for line in page]
    inside = column(features, "in_main50")
    assert [texts[i] for i in np.flatnonzero(inside)] == [PROSE, "Share", PROSE, "Short one."]
    distance = column(features, "from_main50")
    assert distance[texts.index("About")] == pytest.approx(1 / len(page))
    assert column(features, "main50_line_share")[0] == pytest.approx(4 / len(page))


def test_a_page_without_text_mass_has_the_page_as_its_main_container():
    features = extract([["Home", "News", "About"]])
    assert column(features, "in_main50").tolist() == [1.0, 1.0, 1.0]
    assert column(features, "main80_line_share").tolist() == [1.0, 1.0, 1.0]


def test_rows_skip_blank_lines_in_container_ranges():
    features = extract([["Menu", "", "", PROSE, PROSE, "", "End"]])
    level_start, level_end = features.containers.levels[0]
    # Rows: Menu, PROSE, PROSE, End; the two prose lines are one block (rows 1-2).
    assert (level_start[1], level_end[1]) == (1, 3)
    main_start, main_end = features.containers.main[0]
    assert (main_start[0], main_end[0]) == (1, 3)


def test_batches_keep_each_pages_containers_apart():
    one = extract([_article_page()])
    two = extract([["a", "b"], _article_page()])
    names = [n for n in dense_feature_names() if n.startswith(("container", "in_main", "main", "from_main", "repeat"))]
    for name in names:
        assert column(two, name)[2:] == pytest.approx(column(one, name))


def test_repeated_units_are_siblings_of_one_tag_and_class():
    cards = "".join(f"<div class=card><h3><a href=/{i}>Item {i}</a></h3><p>Price {i}</p></div>" for i in range(4))
    menu = "".join(f"<li class=nav><a href=/m{i}>Menu {i}</a></li>" for i in range(5))
    page = read_html(f"<body><ul>{menu}</ul><div class=grid>{cards}</div><p>Alone</p></body>".encode())
    features = extract([page])
    texts = [line.text for line in page]
    units, unit_lines = column(features, "repeat_units"), column(features, "repeat_unit_lines")
    card_row, menu_row, alone_row = texts.index("Item 2"), texts.index("Menu 1"), texts.index("Alone")
    assert np.expm1(units[card_row]) == pytest.approx(4) and np.expm1(unit_lines[card_row]) == pytest.approx(2)
    assert np.expm1(units[menu_row]) == pytest.approx(5) and np.expm1(unit_lines[menu_row]) == pytest.approx(1)
    assert units[alone_row] == 0 and column(features, "repeat_line_share")[alone_row] == 0
    assert column(features, "repeat_line_share")[card_row] == pytest.approx(8 / len(page))


def test_fewer_than_repeat_min_siblings_are_no_repeated_structure():
    items = "".join(f"<li>Item {i}</li>" for i in range(REPEAT_MIN - 1))
    features = extract([read_html(f"<body><ul>{items}</ul><p>Text</p></body>".encode())])
    assert column(features, "repeat_units").tolist() == [0.0] * REPEAT_MIN


def test_dumps_have_no_repeated_units():
    features = extract([["* a", "* b", "* c", "* d", "", "x", "", "y", "", "z"]])
    assert not column(features, "repeat_units").any()


def test_path_peers_are_the_lines_of_a_page_with_one_path():
    # The same field of every card shares a group, whatever the classes further out than
    # PEER_CLASS_WORDS; the menu's entries are another group; two pages of a batch never
    # share one.
    cards = "".join(f"<div class={side}><div class='card body'><h3 class='item name'>Trail {i}</h3>"
                    f"<p class='item length'>{i} miles</p></div></div>"
                    for i, side in enumerate(["left", "right", "left", "right"]))
    menu = "".join(f"<li class=nav><a href=/m{i}>Menu {i}</a></li>" for i in range(3))
    page = read_html(f"<body><ul>{menu}</ul><div class=grid>{cards}</div><p>Alone</p></body>".encode())
    peers = extract([page, page]).containers.peers
    texts = [line.text for line in page]
    group = dict(zip(texts, peers[:len(page)]))
    assert group["Trail 0"] == group["Trail 3"] != group["0 miles"] == group["3 miles"]
    assert group["Menu 0"] == group["Menu 2"] != group["Trail 0"]
    assert list(peers).count(group["Alone"]) == 1
    assert not set(peers[:len(page)]) & set(peers[len(page):])


def test_a_dump_line_is_its_own_path_peer():
    peers = extract([["* a", "* b", "", "x"], ["y"]]).containers.peers
    assert sorted(peers.tolist()) == [0, 1, 2, 3]


def _random_nested_ranges(rng, rows):
    """Ranges that nest, as an element tree gives them: some repeated, some empty."""
    ranges, stack = [], [(0, rows)]
    while stack:
        start, end = stack.pop()
        cut = start
        while cut < end:
            size = int(rng.integers(0, end - cut + 1))
            ranges += [(cut, cut + size)] * int(rng.integers(1, 3))   # the same lines in two elements
            if size > 1:
                stack.append((cut, cut + size))
            cut += max(size, 1)
    return np.array(ranges, dtype=np.int64).reshape(-1, 2)


def test_painted_equals_painting_the_ranges_one_by_one():
    rng = np.random.default_rng(0)
    for _ in range(300):
        rows = int(rng.integers(1, 30))
        ranges = _random_nested_ranges(rng, rows)
        ranges = ranges[np.lexsort((-ranges[:, 1], ranges[:, 0]))]
        ranges = ranges[ranges[:, 0] < rows]
        innermost, parent = np.full(rows, -1), np.full(len(ranges), -1)
        for i, (start, end) in enumerate(ranges.tolist()):
            parent[i] = innermost[start]
            innermost[start:end] = i
        got_parent, got_innermost = paint(np.ascontiguousarray(ranges[:, 0]), np.ascontiguousarray(ranges[:, 1]), rows)
        assert np.array_equal(got_parent, parent) and np.array_equal(got_innermost, innermost)


def test_the_compiled_structure_refuses_arrays_that_do_not_fit_the_page():
    from linesift.features._structure import page_structure

    rows = np.arange(5, dtype=np.int64)
    levels, main, repeat = np.zeros((6, 5), np.int64), np.zeros((4, 5), np.int64), np.zeros((4, 5))
    for mass, first in ((np.zeros(4), 0), (np.zeros(5), 1)):   # a mass short of the rows; rows past the outputs
        with pytest.raises(ValueError):
            page_structure([(0, 5, NO_SIGNATURE)], rows, mass, first, (0.5, 0.8), REPEAT_MIN, levels, main, repeat)
    with pytest.raises(ValueError):
        paint(np.arange(4), np.arange(1), 5)
