def find_measure(measures, needle):
    """The first measure whose title or text contains `needle` (failing clearly if none does)."""
    found = [m for m in measures if needle in f"{m.title} {m.text}"]
    assert found, f"no measure contains {needle!r}"
    return found[0]
