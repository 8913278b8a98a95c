"""A row's neighbours and windows in its page (the compiled ``features._page``): the rules on
tiny batches, pages kept apart, and bounds that do not describe pages refused."""

import numpy as np
import pytest

from linesift.features._page import shifted, window_means
from linesift.features.page import page_bounds, shift, shifts, window_mean, window_means_of


def bounds(*sizes):
    _, start, end = page_bounds(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))
    return start, end


def test_shift_takes_the_row_at_the_offset_and_fills_past_the_page():
    start, end = bounds(3, 2)
    values = np.array([1.0, 2.0, 3.0, 10.0, 20.0])
    assert shift(values, 1, start, end, fill=-4.0).tolist() == [2.0, 3.0, -4.0, 20.0, -4.0]
    assert shift(values, -2, start, end).tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert shift(values, 0, start, end).tolist() == values.tolist()
    assert shifts(values, (-1, 1), start, end).tolist() == [[0.0, 1.0, 2.0, 0.0, 10.0], [2.0, 3.0, 0.0, 20.0, 0.0]]


def test_window_mean_stays_inside_the_page():
    start, end = bounds(4, 1)
    values = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    assert window_mean(values, 1, start, end).tolist() == [1.5, 2.0, 3.0, 3.5, 100.0]
    assert window_mean(values, 0, start, end).tolist() == values.tolist()
    assert window_means_of(values, (10,), start, end).tolist() == [[2.5, 2.5, 2.5, 2.5, 100.0]]


def test_a_page_is_the_same_whatever_is_batched_before_it():
    page = np.array([0.1, 0.7, 0.3, 0.9, 0.2, 0.4])
    alone = window_mean(page, 2, *bounds(6))
    for before in (np.full(1000, 1e6), np.random.default_rng(0).normal(size=333) * 1e3):
        batched = window_mean(np.concatenate([before, page]), 2, *bounds(len(before), 6))
        assert batched[len(before):].tolist() == alone.tolist()


def test_several_columns_and_offsets_in_one_call():
    start, end = bounds(2, 2)
    values = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    out = shifted(values, (-1, 1), start, end, 9.0)
    assert out.shape == (2, 2, 4)
    assert out[1, 1].tolist() == [6.0, 9.0, 8.0, 9.0]
    assert window_means(values, (0, 1), start, end)[1, 0].tolist() == [1.5, 1.5, 3.5, 3.5]


def test_empty_batches():
    start, end = bounds()
    assert shift(np.zeros(0), 1, start, end).shape == (0,)
    assert window_mean(np.zeros(0), 3, start, end).shape == (0,)


@pytest.mark.parametrize("start, end", [
    ([0, 0, 0], [3, 3, 2]),      # a row past its page's end
    ([0, 0, 1], [3, 3, 3]),      # two rows of one page naming different bounds
    ([1, 1, 1], [3, 3, 3]),      # a row before its page's start
    ([0, 0], [3, 3]),            # fewer bounds than rows
    ([0, 0, 0], [4, 4, 4]),      # a page past the batch
    ([-1, -1, -1], [3, 3, 3]),   # a page before the batch
    ([0, 1, 1], [3, 3, 3]),      # pages that overlap
    ([0, 1], [2, 2]),            # the same, on two rows
    ([0, 0, 3], [2, 2, 3]),      # a row in no page
])
def test_bounds_that_are_not_pages_are_refused(start, end):
    start, end = np.array(start, np.int64), np.array(end, np.int64)
    with pytest.raises(ValueError):
        shift(np.zeros(3), 1, start, end)
    with pytest.raises(ValueError):
        window_mean(np.zeros(3), 1, start, end)


def test_bounds_are_checked_on_views_too():
    """A view whose start is negative is refused, not read before its first row."""
    start, end = np.full(6, -1, np.int64)[1:], np.full(6, 5, np.int64)[1:]
    with pytest.raises(ValueError):
        shift(np.arange(6.0)[1:], -1, start, end)


def test_offsets_and_widths_past_the_batch_see_the_whole_page():
    start, end = bounds(3, 2)
    values = np.array([1.0, 2.0, 3.0, 10.0, 20.0])
    assert window_mean(values, 2**62, start, end).tolist() == [2.0, 2.0, 2.0, 15.0, 15.0]
    assert shift(values, 2**62, start, end, fill=-1.0).tolist() == [-1.0] * 5
    assert shift(values, -2**62, start, end, fill=-1.0).tolist() == [-1.0] * 5


def test_negative_widths_are_refused():
    with pytest.raises(ValueError, match="widths"):
        window_mean(np.zeros(2), -1, *bounds(2))
