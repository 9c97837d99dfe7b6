"""The start-up snapshot's compiled modules (app/browser/compiled.py) run only unchanged code."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from app.browser import compiled


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a package ``shop`` the way the app's worker writes the app's files."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "prices.py").write_text("PRICE = 1\n")
    (tmp_path / "shop" / "tills.py").write_text(
        "from shop.prices import PRICE\nTOTAL = PRICE * 2\n"
    )
    yield tmp_path
    for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
        del sys.modules[name]


def test_modules_compiled_beforehand_are_imported_from_their_kept_code(folder: Path) -> None:
    finder = compiled.keep(["shop/__init__.py", "shop/prices.py", "shop/tills.py"])
    tills = importlib.import_module("shop.tills")
    assert tills.TOTAL == 2
    assert tills.__file__ == str(folder / "shop" / "tills.py")
    assert sorted(finder.served) == ["shop", "shop.prices", "shop.tills"]
    assert compiled.served() == finder.served


def test_a_file_changed_since_it_was_compiled_is_imported_from_the_file(folder: Path) -> None:
    finder = compiled.keep(["shop/__init__.py", "shop/prices.py", "shop/tills.py"])
    (folder / "shop" / "prices.py").write_text("PRICE = 5\n")
    tills = importlib.import_module("shop.tills")
    assert tills.TOTAL == 10
    assert "shop.prices" not in finder.served
    assert "shop.tills" in finder.served


def test_modules_already_imported_are_not_compiled_again(folder: Path) -> None:
    importlib.import_module("shop.prices")
    finder = compiled.keep(["shop/__init__.py", "shop/prices.py", "README.md"])
    assert finder.kept == {}


def test_module_names_from_paths() -> None:
    assert compiled.module_name("app/browser/ui.py") == "app.browser.ui"
    assert compiled.module_name("app/core/__init__.py") == "app.core"
    assert compiled.module_name("app/styles.css") is None


def test_modules_under_another_folder_on_the_path_are_named_from_it(folder: Path) -> None:
    site = folder / "site"
    (site / "kit").mkdir(parents=True)
    (site / "kit" / "__init__.py").write_text("NAME = 'kit'\n")
    sys.path.insert(0, str(site))
    try:
        finder = compiled.keep([str(site / "kit" / "__init__.py")], str(site))
        assert importlib.import_module("kit").NAME == "kit"
        assert finder.served == ["kit"]
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("kit", None)
    assert compiled.module_name("/lib/site/kit/web.py", "/lib/site") == "kit.web"
    assert compiled.module_name("/elsewhere/kit/web.py", "/lib/site") is None
