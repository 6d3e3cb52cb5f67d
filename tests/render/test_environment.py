from alignment.render.environment import decimal, environment, file_name, model_name, norwegian_date


def test_every_template_and_string_is_autoescaped():
    assert environment.from_string("{{ text }}").render(text="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert environment.get_template("report.html").environment.autoescape("report.html")


def test_status_words_and_anchors():
    render = environment.from_string("{{ 'partial' | status_label }} {{ '5.2.1 H' | anchor }}").render
    assert render() == "Delvis 5-2-1-H"


def test_filters_for_people():
    assert decimal(1.3249) == "1,32" and decimal(-0.5) == "-0,50" and decimal(3.4, 1) == "3,4"
    assert norwegian_date("2026-11-22") == "22. november 2026"
    assert norwegian_date("2026-12-04T10:11:12+00:00") == "4. desember 2026"
    assert norwegian_date(" uke 49 ") == "uke 49" and norwegian_date("2026-13-01") == "2026-13-01"
    assert file_name("C:\\Planer\\frogner.docx") == "frogner.docx" and file_name("/a/b/alna.pdf") == "alna.pdf"
    assert model_name("embeddinggemma-300m-cbf5a78393b6") == "embeddinggemma-300m"
    rendered = environment.from_string("{{ 1.32 | decimal }} {{ '2026-11-22' | norwegian_date }}").render()
    assert rendered == "1,32 22. november 2026"
