"""The README a newcomer follows stays true to the code."""

from __future__ import annotations

from pathlib import Path

from db.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    lines = README.splitlines()
    assert lines[0].startswith("# ")
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split()[:2] for line in block] == [["make", "run"], ["make", "test"]]


def test_every_setting_is_documented_with_its_default():
    table = README.split("<!-- settings-table -->")[1].split("<!-- /settings-table -->")[0]
    rows = {row.split("|")[1].strip(" `"): row for row in table.splitlines() if "| `" in row}
    for name, field in Settings.model_fields.items():
        variable = name.upper()
        assert variable in rows, f"add {variable} to README's Configuration table"
        if field.default is not None and not isinstance(field.default, bool):
            default = field.default
            shown = f"{default:.1f}" if isinstance(default, float) else str(default)
            shown = shown.replace(f"{ROOT}/", "<repo>/")
            assert f"`{shown}`" in rows[variable], (variable, default)
