"""Reading a cramp diary from CSV: good rows become entries, each bad line is named."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.diary_csv import (
    DiaryImport,
    RowProblem,
    decode_diary_bytes,
    parse_diary_bytes,
    parse_diary_csv,
)
from practitioner.domain.outcomes import DiaryEntry

TODAY = dt.date(2025, 3, 12)


def parse(text: str) -> DiaryImport:
    return parse_diary_csv(text, TODAY)


def lines(result: DiaryImport) -> list[int]:
    return [problem.line for problem in result.problems]


def only_problem(text: str) -> RowProblem:
    result = parse(text)
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# --- good files ------------------------------------------------------------------------


def test_a_full_comma_file_is_read() -> None:
    result = parse(
        "date,cramps,worst_severity,total_minutes,sleep_disturbed,notes\n"
        "2025-03-01,2,7,3.5,yes,Calf at night\n"
        "2025-03-02,0,,,no,\n"
    )
    assert result.clean
    assert result.entries == (
        DiaryEntry(dt.date(2025, 3, 1), 2, 7, 3.5, True, "Calf at night"),
        DiaryEntry(dt.date(2025, 3, 2), 0, None, None, False, ""),
    )
    assert result.summary() == "2 diary days ready to import, from 2025-03-01 to 2025-03-02."


def test_a_semicolon_file_with_bom_day_first_dates_and_decimal_commas() -> None:
    result = parse(
        "\ufeffDate;Cramps;Severity;Minutes;Sleep;Notes\r\n"
        "01.03.2025;3;6;2,5;Y;\r\n"
        "02/03/2025;1;4;0,5;n;ok\r\n"
    )
    assert result.clean, result.problems
    assert [(e.day, e.cramps, e.worst_severity, e.total_minutes, e.sleep_disturbed)
            for e in result.entries] == [
        (dt.date(2025, 3, 1), 3, 6, 2.5, True),
        (dt.date(2025, 3, 2), 1, 4, 0.5, False),
    ]


def test_columns_in_any_order_and_any_case_with_optional_ones_absent() -> None:
    result = parse("NOTES,Cramps,DATE\nstretched,1,2025-03-05\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 5), 1, notes="stretched"),)


def test_header_spellings_with_spaces_are_accepted() -> None:
    result = parse("Date;Cramps;Worst severity;Total minutes;Sleep disturbed\n"
                   "2025-03-05;1;3;2;yes\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 5), 1, 3, 2.0, True),)


def test_a_tab_separated_file_is_read() -> None:
    result = parse("date\tcramps\tminutes\n2025-03-05\t1\t2,5\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 5), 1, total_minutes=2.5),)


@pytest.mark.parametrize(
    ("text", "disturbed"),
    [("yes", True), ("YES", True), ("y", True), ("true", True), ("True", True), ("1", True),
     ("no", False), ("N", False), ("false", False), ("0", False), ("", False), (" ", False)],
)
def test_sleep_disturbed_spellings(text: str, disturbed: bool) -> None:
    result = parse(f"date,cramps,sleep_disturbed\n2025-03-05,1,{text}\n")
    assert result.clean
    assert result.entries[0].sleep_disturbed is disturbed


def test_whole_numbers_written_with_a_decimal_point_are_accepted() -> None:
    result = parse("date,cramps,severity\n2025-03-05,3.0,7.0\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 5), 3, 7),)


def test_blank_lines_are_skipped_and_still_counted() -> None:
    result = parse("\n\ndate,cramps\n\n2025-03-01,1\n,\n  \n2025-03-02,x\n\n")
    assert [e.day for e in result.entries] == [dt.date(2025, 3, 1)]
    assert lines(result) == [8]


def test_trailing_empty_cells_are_ignored() -> None:
    result = parse("date;cramps;notes\n2025-03-01;1;;;;\n;;;;;\n")
    assert result.clean and len(result.entries) == 1


def test_a_quoted_note_with_commas_and_line_breaks_is_one_spreadsheet_line() -> None:
    result = parse('date,cramps,notes\n2025-03-01,1,"calf, then foot\nwoke twice"\n'
                   "2025-03-02,bad\n")
    assert result.entries[0].notes == "calf, then foot\nwoke twice"
    assert lines(result) == [3]


def test_unknown_columns_are_ignored_and_named_in_the_summary() -> None:
    result = parse("date,weekday,cramps\n2025-03-01,Sat,2\n")
    assert result.clean
    assert result.ignored_columns == ("“weekday”",)
    assert result.summary() == ("1 diary day ready to import, on 2025-03-01. "
                                "Ignored columns: “weekday”.")


def test_excel_sep_line_sets_the_delimiter() -> None:
    result = parse("sep=;\ndate;cramps;minutes\n2025-03-01;2;1,5\n2025-03-02;x\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 1), 2, total_minutes=1.5),)
    assert lines(result) == [4]


def test_today_is_not_the_future() -> None:
    assert parse(f"date,cramps\n{TODAY:%Y-%m-%d},1\n").clean


def test_entries_keep_the_file_order() -> None:
    result = parse("date,cramps\n2025-03-03,1\n2025-03-01,1\n2025-03-02,1\n")
    assert [e.day.day for e in result.entries] == [3, 1, 2]


# --- bad rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2025-03-01,x", "cramps “x”: Enter a number, e.g. 3 or 2.5."),
        ("2025-03-01,2.5", "cramps “2.5”: Enter a whole number."),
        ("2025-03-01,nan", "cramps “nan”: Enter a finite number."),
        ("2025-03-01,inf", "cramps “inf”: Enter a finite number."),
        ("2025-03-01,-1", "cramps: The number of cramps cannot be negative."),
        ("2025-03-01,201", "cramps: More than 200 cramps in a day is not plausible."),
        ("2025-03-01,", "The number of cramps is missing (0 for a day without cramps)."),
        (",1", "The date is missing."),
        ("yesterday,1", "date “yesterday”: Not a date: use YYYY-MM-DD, e.g. 1975-03-14."),
        ("2025-02-30,1", "date “2025-02-30”: There is no such day as 2025-02-30."),
        ("2025-03-13,1", "The diary date is in the future."),
        ("2025-03-01,1,11", "worst_severity: Severity is 0 to 10."),
        ("2025-03-01,1,-1", "worst_severity: Severity is 0 to 10."),
        ("2025-03-01,1,6.5", "worst_severity “6.5”: Enter a whole number."),
        ("2025-03-01,1,NaN", "worst_severity “NaN”: Enter a finite number."),
        ("2025-03-01,1,,1441", "total_minutes: Total minutes are 0 to 1440."),
        ("2025-03-01,1,,-0.5", "total_minutes: Total minutes are 0 to 1440."),
        ("2025-03-01,1,,-inf", "total_minutes “-inf”: Enter a finite number."),
        ("2025-03-01,1,,,maybe", "sleep_disturbed “maybe”: use yes or no."),
    ],
)
def test_bad_values_are_rejected_with_a_reason(row: str, expected: str) -> None:
    text = "date,cramps,worst_severity,total_minutes,sleep_disturbed\n" + row + "\n"
    assert only_problem(text) == RowProblem(2, expected)
    assert parse(text).entries == ()


def test_a_month_first_date_gets_a_hint() -> None:
    problem = only_problem("date,cramps\n03/13/2025,1\n")
    assert problem.line == 2
    assert "read day first" in problem.message


def test_every_problem_on_a_line_is_in_its_message() -> None:
    problem = only_problem("date,cramps,severity\n2025-04-01,x,12\n")
    assert problem.line == 2
    assert "cramps “x”" in problem.message
    assert "Severity is 0 to 10." in problem.message
    assert "in the future" in problem.message


def test_a_repeated_date_names_the_first_line() -> None:
    result = parse("date,cramps\n2025-03-01,1\n2025-03-02,0\n01.03.2025,4\n")
    assert [e.cramps for e in result.entries] == [1, 0]
    assert result.problems == (RowProblem(4, "2025-03-01 is already on line 2."),)


def test_a_date_repeated_after_a_bad_first_row_is_still_a_repeat() -> None:
    result = parse("date,cramps\n2025-03-01,x\n2025-03-01,1\n")
    assert lines(result) == [2, 3]
    assert "already on line 2" in result.problems[1].message
    assert result.entries == ()


def test_a_decimal_comma_in_a_comma_file_is_rejected_not_guessed() -> None:
    problem = only_problem('date,cramps,minutes\n2025-03-01,1,"1,440"\n')
    assert problem.line == 2
    assert problem.message.startswith("total_minutes “1,440”: use a point as the decimal mark")


def test_an_unquoted_decimal_comma_in_a_comma_file_is_too_many_values() -> None:
    problem = only_problem("date,cramps,minutes\n2025-03-01,1,2,5\n")
    assert problem.line == 2
    assert problem.message.startswith("More values than columns in the header.")
    assert "use a point" in problem.message


def test_a_short_row_leaves_the_missing_optional_cells_empty() -> None:
    result = parse("date,cramps,severity,minutes,sleep,notes\n2025-03-01,1\n")
    assert result.entries == (DiaryEntry(dt.date(2025, 3, 1), 1),)


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    result = parse('date,cramps,notes\n2025-03-01,1,ok\n2025-03-02,1,"never closed\n'
                   "2025-03-03,1,\n")
    assert [e.day.day for e in result.entries] == [1]
    assert lines(result) == [3]
    assert "never closed" in result.problems[0].message


def test_a_stray_quote_spoils_only_its_line() -> None:
    result = parse('date,cramps,notes\n2025-03-01,1,"a"b\n2025-03-02,1,\n')
    assert lines(result) == [2]
    assert [e.day.day for e in result.entries] == [2]


def test_good_and_bad_rows_together() -> None:
    result = parse(
        "date,cramps\n"
        "2025-03-01,1\n"
        "2025-03-02,-4\n"
        "2025-03-03,2\n"
        "2025-03-99,1\n"
    )
    assert [e.day.day for e in result.entries] == [1, 3]
    assert lines(result) == [3, 5]
    assert not result.clean
    assert result.summary() == (
        "2 diary days ready to import, from 2025-03-01 to 2025-03-03. "
        "2 lines with problems (3, 5): import nothing, or skip them."
    )


def test_the_summary_shortens_a_long_list_of_lines() -> None:
    result = parse("date,cramps\n" + "".join(f"2025-01-{d:02d},x\n" for d in range(1, 15)))
    assert result.summary() == (
        "Nothing to import: 14 lines with problems (2, 3, 4, 5, 6, 7, 8, 9, 10, 11 "
        "and 4 more)."
    )


# --- bad files -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n  \n", ",,,\n;;\n"])
def test_an_empty_file_is_one_problem(text: str) -> None:
    result = parse(text)
    assert result.problems == (RowProblem(1, "The file is empty."),)
    assert result.entries == ()
    assert result.summary() == "Nothing to import: 1 line with problems (1)."


def test_missing_required_columns_are_one_problem_on_line_1() -> None:
    result = parse("day_of_month,severity\n2025-03-01,5\n2025-03-02,4\n")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.line == 1
    assert problem.message.startswith("Missing columns: date, cramps.")
    assert "“day_of_month”, “severity”" in problem.message
    assert result.entries == ()


def test_a_file_without_a_header_is_told_what_the_first_line_must_hold() -> None:
    problem = only_problem("2025-03-01,2\n2025-03-02,1\n")
    assert problem.line == 1
    assert problem.message.startswith("Missing columns: date, cramps.")
    assert "must name the columns" in problem.message


def test_one_missing_column_is_named() -> None:
    problem = only_problem("date,severity\n2025-03-01,5\n")
    assert problem.message.startswith("Missing column: cramps.")


def test_a_column_given_twice_is_a_problem() -> None:
    problem = only_problem("date,cramps,severity,worst_severity\n2025-03-01,1,2,3\n")
    assert problem == RowProblem(1, "More than one column for worst_severity.")


def test_a_header_without_rows_is_a_problem() -> None:
    assert only_problem("date,cramps\n\n") == RowProblem(
        1, "The file has a header but no diary rows."
    )


# --- bytes -----------------------------------------------------------------------------


def test_utf8_bytes_with_and_without_bom_read_the_same() -> None:
    text = "date;cramps;notes\n2025-03-01;1;Wadenkrampf, nachts\n"
    plain = parse_diary_bytes(text.encode("utf-8"), TODAY)
    bom = parse_diary_bytes(text.encode("utf-8-sig"), TODAY)
    assert plain == bom
    assert plain.entries[0].notes == "Wadenkrampf, nachts"


def test_bytes_that_are_not_utf8_are_one_problem() -> None:
    data = "date;cramps;notes\n2025-03-01;1;Wadenkrämpfe\n".encode("cp1252")
    result = parse_diary_bytes(data, TODAY)
    assert result.entries == ()
    assert len(result.problems) == 1
    assert result.problems[0].line == 2
    assert "CSV UTF-8" in result.problems[0].message
    assert isinstance(decode_diary_bytes(data), RowProblem)


# --- properties ------------------------------------------------------------------------


@given(st.text())
def test_any_text_gives_a_result_and_never_raises(text: str) -> None:
    result = parse(text)
    assert result.clean is (not result.problems)
    assert all(problem.line >= 1 and problem.message for problem in result.problems)
    assert isinstance(result.summary(), str)


csv_alphabet = st.sampled_from(list('date,cramps;severity\n\r\t"-./0123456789 yesno\ufeff'))


@given(st.text(alphabet=csv_alphabet, max_size=200))
def test_csv_looking_text_never_raises(text: str) -> None:
    result = parse("date,cramps,severity,minutes,sleep,notes\n" + text)
    assert all(problem.line >= 1 for problem in result.problems)
    assert all(entry.day <= TODAY and entry.cramps >= 0 for entry in result.entries)


@given(st.binary(max_size=200))
def test_any_bytes_give_a_result(data: bytes) -> None:
    parse_diary_bytes(data, TODAY)


entries_strategy = st.dictionaries(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=TODAY),
    st.tuples(
        st.integers(0, 200),
        st.none() | st.integers(0, 10),
        st.none() | st.integers(0, 1440 * 4).map(lambda quarter: quarter / 4),
        st.booleans(),
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).map(str.strip),
    ),
    min_size=1,
    max_size=20,
)


@given(entries_strategy, st.sampled_from([",", ";", "\t"]), st.permutations(range(6)),
       st.booleans())
def test_written_diaries_read_back_unchanged(
    days: dict[dt.date, tuple[int, int | None, float | None, bool, str]],
    delimiter: str,
    order: list[int],
    day_first: bool,
) -> None:
    header = ["date", "cramps", "worst_severity", "total_minutes", "sleep_disturbed", "notes"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([header[i] for i in order])
    expected = []
    for day, (cramps, severity, minutes, disturbed, notes) in days.items():
        minutes_text = "" if minutes is None else f"{minutes:g}"
        if delimiter != ",":
            minutes_text = minutes_text.replace(".", ",")
        cells = [
            f"{day:%d.%m.%Y}" if day_first else day.isoformat(),
            str(cramps),
            "" if severity is None else str(severity),
            minutes_text,
            "yes" if disturbed else "no",
            notes,
        ]
        writer.writerow([cells[i] for i in order])
        expected.append(DiaryEntry(day, cramps, severity, minutes, disturbed, notes))
    result = parse(buffer.getvalue())
    assert result.problems == ()
    assert result.entries == tuple(expected)
