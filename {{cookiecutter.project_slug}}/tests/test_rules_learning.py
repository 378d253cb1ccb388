"""How the rule-based model learns, checks and prints its rules, on tables small enough to check by hand."""

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models import rule_learning, rules
from {{ cookiecutter.module_name }}.models.conditions import comparison, select


@pytest.mark.parametrize(
    ("low", "high", "cut"),
    [
        (40, 47, 40),  # the roundest value may be the lower bound itself
        (5, 6, 5),  # the middle, 5.5, would read worse: 5 splits the same
        (15, 16, 15),  # the middle rounds to 16, the other side's; 15 is as round
        (2.13, 2.87, 2.5),  # one significant digit gives 2 or 3, outside: two give 2.5
        (1.2, 2, 1.6),  # 2 would be the upper bound, which belongs to the other side
        (3, 3, 3),  # nothing lies between: the lower bound
    ],
)
def test_a_learned_threshold_is_the_roundest_value_that_splits_the_rows_the_same(low, high, cut):
    """The cut c keeps low <= c < high (rows up to low on one side, from high on the other) and reads well."""
    found = rule_learning.readable_cut(np.float64(low) if isinstance(low, float) else np.int64(low), high)
    assert found == cut and type(found) is type(cut)


@pytest.mark.parametrize(
    ("value", "digits", "up"),
    [
        (5, 1, 5),
        (0.3, 1, 0.3),
        (1.2, 1, 2),
        (0.00123, 1, 0.002),
        (1234, 2, 1300),
        (-0.96, 1, -0.9),
        (-15, 1, -10),
    ],
)
def test_a_bound_rounds_up_to_the_next_value_with_that_many_digits(value, digits, up):
    """The smallest number of `digits` significant digits at or above the value, negatives included."""
    assert rule_learning.rounded_up(value, digits) == up


def test_a_date_threshold_is_a_whole_day_when_one_fits():
    """Between 1 March 10:00 and 5 March the cut is 2 March; a day that is not before the next row is not."""
    low = pd.Timestamp("2024-03-01 10:00")
    assert rule_learning.readable_cut(low, pd.Timestamp("2024-03-05")) == pd.Timestamp("2024-03-02")
    assert rule_learning.readable_cut(low, pd.Timestamp("2024-03-02")) == low
    aware = pd.Timestamp("2024-03-01 10:00", tz="UTC")
    assert rule_learning.readable_cut(aware, pd.Timestamp("2024-03-05", tz="UTC")) == aware


def test_a_threshold_rule_puts_each_side_at_its_typical_target():
    """Sizes 1..10 with "a" up to 4: the rule is `size <= 4` -> "a", else "b"."""
    x = pd.Series(np.arange(1, 11), name="size")
    y = pd.Series(["a"] * 4 + ["b"] * 6)
    found = rule_learning.threshold_rule(x, y, "classification", min_rows=1)
    assert found == rule_learning.Candidate([(comparison("size", "<=", 4), "a")], "b")


def test_each_side_of_a_threshold_keeps_at_least_min_rows():
    """With 5 rows a side at least, the best split of the same rows moves up by one: sizes 1..5 match."""
    x = pd.Series(np.arange(1, 11), name="size")
    y = pd.Series(["a"] * 4 + ["b"] * 6)
    ((condition, _),) = rule_learning.threshold_rule(x, y, "classification", min_rows=5).rules
    assert list(select(condition, x.to_frame())) == [True] * 5 + [False] * 5


def test_a_threshold_splits_text_classes_where_a_stump_fitted_on_the_text_splits_them():
    """The stump learns the classes as integer codes (faster): its cut is the one scikit-learn finds on
    the text labels themselves, for three noisy classes whose names do not sort as they were drawn."""
    generator = np.random.default_rng(7)
    x = pd.Series(generator.normal(size=3000), name="x")
    y = pd.Series(
        np.array(["zeta", "alpha", "mid"])[np.digitize(x + generator.normal(size=3000), [-0.5, 0.5])]
    )
    ((condition, _),) = rule_learning.threshold_rule(x, y, "classification", min_rows=30).rules
    stump = DecisionTreeClassifier(max_depth=1, min_samples_leaf=30).fit(x.to_frame(), y).tree_
    assert list(select(condition, x.to_frame())) == list(x.to_numpy(np.float32) <= stump.threshold[0])


def test_a_regression_threshold_predicts_the_mean_of_each_side():
    """Targets 1, 1, 1 then 9, 9, 10: the first three rows -> 1.0, the others their mean (4 digits)."""
    x = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], name="x")
    y = pd.Series([1.0, 1.0, 1.0, 9.0, 9.0, 10.0])
    ((condition, low),) = (found := rule_learning.threshold_rule(x, y, "regression", min_rows=1)).rules
    assert list(select(condition, x.to_frame())) == [True] * 3 + [False] * 3
    assert (low, found.default) == (1.0, float(f"{28 / 3:.4g}"))


def test_a_column_that_never_separates_the_target_gets_no_threshold_rule():
    x = pd.Series([1.0, 2.0, 3.0, 4.0], name="x")
    assert rule_learning.threshold_rule(x, pd.Series(["a"] * 4), "classification", min_rows=1) is None


def test_categories_with_the_same_prediction_share_one_rule_and_rare_ones_get_none():
    """Islands A and B, both "big", share one `in [...]` rule (sorted); C, under min_rows rows, gets none."""
    x = pd.Series(["B", "B", "A", "A", "D", "D", "D", "D", "D", "D", "C"], name="island")
    y = pd.Series(["big"] * 4 + ["small"] * 6 + ["big"])
    found = rule_learning.category_rule(x, y, "classification", min_rows=2)
    assert found == rule_learning.Candidate([(comparison("island", "in", ["A", "B"]), "big")], "small")


def test_a_category_with_exactly_min_rows_rows_gets_a_rule():
    x = pd.Series(["A", "A", "B", "B", "B"], name="island")
    y = pd.Series(["big", "big", "small", "small", "small"])
    found = rule_learning.category_rule(x, y, "classification", min_rows=2)
    assert found == rule_learning.Candidate([(comparison("island", "==", "A"), "big")], "small")


def penguins(rows: int = 90, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """`flipper` decides the species (Gentoo above 210); `noise` is random."""
    rng = np.random.default_rng(seed)
    flipper = rng.uniform(180, 240, rows).round(1)
    X = pd.DataFrame({"noise": rng.uniform(0, 1, rows), "flipper": flipper})
    return X, pd.Series(np.where(flipper > 210, "Gentoo", "Adelie"))


def test_learning_picks_the_column_that_predicts_held_out_rows():
    """Of a random column and one that decides the target, the rule is on the deciding one."""
    X, y = penguins()
    learned = rule_learning.learn_rule(X, y, "classification", min_share=0.01, seed=0)
    ((condition, prediction),) = learned.rules
    assert condition.startswith("flipper <= ") and prediction == "Adelie" and learned.default == "Gentoo"
    assert 205 <= float(condition.split()[-1]) <= 215


def test_with_no_column_beating_the_typical_value_the_model_predicts_that_value():
    """Pure noise: no rule, the most common class for every row."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"noise": rng.uniform(0, 1, 60)})
    y = pd.Series(["a"] * 40 + ["b"] * 20).sample(frac=1, random_state=1).reset_index(drop=True)
    assert rule_learning.learn_rule(X, y, "classification", 0.2, seed=0) == rule_learning.Candidate([], "a")


def test_a_better_regression_fit_has_a_higher_quality():
    """Rules are compared by quality, higher is better for both tasks: minus the squared error here."""
    y = pd.Series([1.0, 2.0, 3.0])
    close, far = np.array([1.0, 2.0, 4.0], dtype=object), np.array([3.0, 3.0, 3.0], dtype=object)
    assert rule_learning.fit_quality(y, close, "regression") == pytest.approx(-1 / 3)
    assert rule_learning.fit_quality(y, close, "regression") > rule_learning.fit_quality(y, far, "regression")


def test_the_learning_sample_is_seeded_and_only_taken_above_the_cap():
    """All rows under the cap; above it, `cap` distinct sorted rows, the same for the same seed."""
    assert list(rule_learning.learning_rows(5, 5, seed=0)) == [0, 1, 2, 3, 4]
    sample = rule_learning.learning_rows(100, 10, seed=3)
    assert len(set(sample)) == 10 and list(sample) == sorted(sample)
    assert list(sample) == list(rule_learning.learning_rows(100, 10, seed=3))
    assert list(sample) != list(rule_learning.learning_rows(100, 10, seed=4))


def test_printed_rules_read_as_if_elif_else_and_as_config_lines():
    """What `invoke rules` prints: the rules in order, where they come from, and the config.toml to paste."""
    written = [("size > 8", "huge"), ("size > 2", "big")]
    text = rules.as_text(written, "small", "written by hand in [models.rules]")
    assert text == (
        "if size > 8: 'huge'\n"
        "elif size > 2: 'big'\n"
        "else: 'small'\n"
        "written by hand in [models.rules]\n"
        "\n"
        "[models.rules] in config.toml, to edit by hand:\n"
        "rules = [\n"
        '  ["size > 8", "huge"],\n'
        '  ["size > 2", "big"],\n'
        "]\n"
        'default = "small"'
    )
    assert rules.as_text([], 3.5, "").startswith("always: 3.5\n")


@pytest.mark.parametrize(
    ("learned_from", "rows", "has_rules", "line"),
    [
        (0, 10, True, "written by hand in [models.rules]"),
        (10, 10, True, "learned from all 10 rows"),
        (5, 10, True, "learned from 5 of 10 rows, a seeded sample (see max_learn_rows)"),
        (4, 4, False, "learned from all 4 rows: no one-column rule beat the typical value on held-out rows"),
    ],
)
def test_the_rules_say_where_they_come_from(learned_from, rows, has_rules, line):
    assert rules.origin(learned_from, rows, has_rules) == line


def test_a_learned_model_describes_its_rule_and_how_many_rows_it_learned_from():
    X, y = penguins()
    model = rules.build("classification", 0, max_learn_rows=60).fit(X, y)
    assert model.describe().startswith("if flipper <= ")
    assert "learned from 60 of 90 rows, a seeded sample" in model.describe()
    assert list(model.classes_) == ["Adelie", "Gentoo"]


def test_hand_written_rules_default_to_the_most_common_class():
    """Without `default`, rows no rule matches get the most common training class."""
    X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 9.0]})
    y = pd.Series(["small", "small", "small", "big"])
    model = rules.build("classification", 0, rules=[["size > 8", "big"]]).fit(X, y)
    assert list(model.predict(pd.DataFrame({"size": [9.5, 0.5]}))) == ["big", "small"]


def test_a_regression_rule_model_predicts_numbers():
    X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 9.0]})
    model = rules.build("regression", 0, rules=[["size > 8", 100]], default=1)
    model.fit(X, pd.Series([1.0, 1, 1, 100]))
    predicted = model.predict(pd.DataFrame({"size": [9.5, 0.5]}))
    assert predicted.dtype == float and list(predicted) == [100.0, 1.0]


@pytest.mark.parametrize("bad", ["size > 8", [["size > 8", "big", "extra"]], [("size > 8",)]])
def test_rules_that_are_not_condition_prediction_pairs_are_a_clear_error(bad):
    with pytest.raises(StepError, match=r"rules must be a list of \[condition, prediction\] pairs: rules = "):
        rules.checked_rules(bad)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"max_learn_rows": 0}, "max_learn_rows must be a whole number above 0: 0"),
        ({"max_learn_rows": 2.5}, "max_learn_rows must be a whole number above 0: 2.5"),
        ({"max_learn_rows": True}, "max_learn_rows must be a whole number above 0: True"),
        ({"min_rule_share": 1}, "min_rule_share must be from 0 to below 1: 1"),
        ({"min_rule_share": -0.1}, "min_rule_share must be from 0 to below 1: -0.1"),
        ({"min_rule_share": "0.1"}, "min_rule_share must be from 0 to below 1: '0.1'"),
    ],
)
def test_rules_settings_out_of_range_are_clear_errors(setting, message):
    with pytest.raises(StepError, match=message):
        rules.build("classification", 0, **setting)


def test_the_edge_values_of_the_rules_settings_are_accepted():
    """One learning row and a zero share are allowed."""
    assert rules.build("classification", 0, max_learn_rows=1, min_rule_share=0).max_learn_rows == 1


@pytest.mark.parametrize("labels", [["Adelie", "Gentoo", "Chinstrap"], [3, 1, 2], [True, False]])
def test_a_classification_rule_is_judged_by_balanced_accuracy(labels):
    """Candidate rules are compared by balanced accuracy, whatever the labels (text, numbers, booleans)."""
    rng = np.random.default_rng(0)
    y = pd.Series(rng.choice(labels, 200))
    predicted = rng.choice(labels, 200)
    counts = pd.crosstab(y.to_numpy(), predicted)
    by_hand = np.mean([counts.at[label, label] / counts.loc[label].sum() for label in counts.index])
    assert rule_learning.fit_quality(y, predicted, "classification") == pytest.approx(by_hand)
