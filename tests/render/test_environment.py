from alignment.render.environment import environment


def test_every_template_and_string_is_autoescaped():
    assert environment.from_string("{{ text }}").render(text="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert environment.get_template("report.html").environment.autoescape("report.html")


def test_status_words_and_anchors():
    render = environment.from_string("{{ 'partial' | status_label }} {{ '5.2.1 H' | anchor }}").render
    assert render() == "Delvis 5-2-1-H"
