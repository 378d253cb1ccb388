"""`make mutants` scores each module by the share of its checked mutants that the tests killed."""

from mutation_score import Score, score, table


def test_killed_timed_out_and_type_caught_mutants_count_as_caught():
    """Survivors and mutants no test reached count against the tests; unchecked ones not at all."""
    statuses = ["killed", "timeout", "caught by type check", "survived", "no tests", "not checked", "skipped"]
    assert score("clean", statuses) == Score("clean", killed=3, checked=5)


def test_the_table_gives_each_module_and_the_overall_share():
    """Overall is the share over every checked mutant, not the mean of the modules' shares."""
    lines = table([Score("clean", 1, 4), Score("split", 6, 6)]).splitlines()
    assert lines == [
        "clean        1 / 4     killed   25.0%",
        "split        6 / 6     killed  100.0%",
        "overall      7 / 10    killed   70.0%",
    ]


def test_a_module_with_no_checked_mutant_scores_zero_rather_than_failing():
    assert Score("config", 0, 0).percent == 0.0


def test_a_module_none_of_whose_mutants_was_checked_is_left_out_of_the_table():
    """A run over one module's mutants shows that module's score, not 0% for every other module."""
    lines = table([Score("clean", 0, 0), Score("split", 3, 4)]).splitlines()
    assert [line.split()[0] for line in lines] == ["split", "overall"]
