import os

import pytest
import yaml

from alignment.untrusted import MAX_YAML_DEPTH, NotRegularFile, TooLarge, UnsafeYaml, load_yaml, read_regular_file


def test_reads_a_regular_file_through_a_link(tmp_path):
    target = tmp_path / "plan.txt"
    target.write_bytes(b"Tiltak 1: Kurs")
    (tmp_path / "lenke.txt").symlink_to(target)
    assert read_regular_file(tmp_path / "lenke.txt", 100) == b"Tiltak 1: Kurs"


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "fifo", "folder"])
def test_refuses_devices_pipes_and_folders_without_reading_them(tmp_path, special):
    path = tmp_path / "plan.txt"
    if special == "fifo":
        os.mkfifo(path)  # no writer: opening it for reading would hang
    elif special == "folder":
        path.mkdir()
    else:
        path.symlink_to(special)
    with pytest.raises(NotRegularFile):
        read_regular_file(path, 1024)


def test_stops_at_the_limit(tmp_path):
    path = tmp_path / "stor.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge):
        read_regular_file(path, 100)
    assert read_regular_file(path, 101) == b"x" * 101


BILLION_LAUGHS = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8)) + "comment: *i\n"


def test_aliases_are_refused_with_their_line():
    with pytest.raises(UnsafeYaml) as error:
        load_yaml(BILLION_LAUGHS)
    assert error.value.problem_mark.line == 1 and "alias" in error.value.problem


def test_deep_nesting_is_refused():
    with pytest.raises(yaml.YAMLError):  # libyaml's scanner stops this one itself
        load_yaml("a: " + "[" * 10000 + "]" * 10000)
    with pytest.raises(UnsafeYaml, match="nivåer"):
        load_yaml("a: " + "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5))
    nested = "a: " + "[" * (MAX_YAML_DEPTH - 2) + "1" + "]" * (MAX_YAML_DEPTH - 2)
    assert load_yaml(nested)[0]["a"]


def test_ordinary_yaml_gives_data_and_nodes():
    data, node = load_yaml("tiltak:\n  \"5.1.1 A\": {status: covered}\n")
    assert data == {"tiltak": {"5.1.1 A": {"status": "covered"}}}
    assert isinstance(node, yaml.MappingNode) and node.value[0][1].value[0][0].start_mark.line == 1
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: !!python/object/apply:os.system ['echo x']\n")
