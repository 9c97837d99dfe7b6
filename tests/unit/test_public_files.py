"""What the server may serve, and what the browser is told to load."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server import bundle, static
from server.app import create_app
from server.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _modules_on_disk() -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "app").rglob("*.py")
        if "__pycache__" not in p.parts
    } - static.NOT_SHIPPED


def test_every_python_module_reaches_the_browser_in_one_bundle() -> None:
    """The app's worker fetches its modules as one file (app/js/pyodide.mjs): it holds every
    module under app/ (but the server's own), the entry point too, exactly as on disk."""
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    answer = client.get(bundle.URL)
    assert answer.status_code == 200
    modules = answer.json()["modules"]
    assert set(modules) == _modules_on_disk()
    for path, source in modules.items():
        assert source == (ROOT / path).read_text(encoding="utf-8"), path
    assert "/app/modules.json" in (ROOT / "app" / "js" / "pyodide.mjs").read_text()
    # Never fetched one by one.
    assert "files" not in tomllib.loads((ROOT / "pyscript.toml").read_text())


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_what_the_browser_loads_never_imports_a_module_it_is_not_given() -> None:
    held_back = {name.removesuffix(".py").replace("/", ".") for name in static.NOT_SHIPPED}
    for dest in bundle.shipped(ROOT):
        assert _imports(ROOT / dest) & held_back == set(), dest


@pytest.mark.parametrize("path", sorted(static.NOT_SHIPPED))
def test_server_only_modules_are_neither_served_nor_precached(path: str) -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    assert client.get("/" + path).status_code == 404
    assert "/" + path not in client.get("/sw-assets.js").text
    assert path not in client.get(bundle.URL).json()["modules"]
    assert "app/core/schema.py" in client.get(bundle.URL).json()["modules"]  # the real list


def test_the_bundle_is_precached_and_its_modules_are_not_one_by_one() -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    precached = client.get("/sw-assets.js").text
    assert f'"{bundle.URL}"' in precached
    assert '"/app/main.py"' not in precached  # the entry point is in the bundle too
    assert '"/app/core/schema.py"' not in precached


def test_a_changed_module_changes_the_bundle_and_the_app_version(tmp_path: Path) -> None:
    """A new version of any module renames the worker's cache and the start-up snapshot."""
    (tmp_path / "index.html").write_text("<html></html>")
    (tmp_path / "app" / "core").mkdir(parents=True)
    (tmp_path / "app" / "main.py").write_text("import app.core.rules\n")
    rules = tmp_path / "app" / "core" / "rules.py"
    rules.write_text("LIMIT = 1\n")
    (tmp_path / "app" / "core" / "merge.py").write_text("SERVER = True\n")
    assets = static.Assets(tmp_path)
    first = assets.current()
    assert first.urls == ("/", "/index.html", bundle.URL)
    assert json.loads(assets.bundle.current()) == {
        "modules": {"app/core/rules.py": "LIMIT = 1\n", "app/main.py": "import app.core.rules\n"},
        "bytecode": {},  # none made at set-up here
    }
    rules.write_text("LIMIT = 22\n")
    assert assets.current().version != first.version
    assert "LIMIT = 22" in json.loads(assets.bundle.current())["modules"]["app/core/rules.py"]


def test_the_bundle_carries_a_modules_bytecode_only_while_its_source_is_unchanged(
    tmp_path: Path,
) -> None:
    """tools/bytecode.py compiles at set-up; a module edited since is sent without its .pyc."""
    (tmp_path / "app").mkdir()
    kept, edited = tmp_path / "app" / "kept.py", tmp_path / "app" / "edited.py"
    kept.write_text("A = 1\n")
    edited.write_text("B = 1\n")
    made = {
        f"app/{name}.py": {
            "sha256": hashlib.sha256(f"{var} = 1\n".encode()).hexdigest(),
            "pyc": f"app/__pycache__/{name}.cpython-314.pyc",
            "bytes": f"{name}-code",
        }
        for name, var in (("kept", "A"), ("edited", "B"))
    }
    (tmp_path / "build").mkdir()
    (tmp_path / bundle.BYTECODE).write_text(json.dumps({"runtime": "x", "modules": made}))
    assets = static.Assets(tmp_path)
    first = assets.current().version
    both = json.loads(assets.bundle.current())["bytecode"]
    assert both == {
        "app/__pycache__/edited.cpython-314.pyc": "edited-code",
        "app/__pycache__/kept.cpython-314.pyc": "kept-code",
    }
    edited.write_text("B = 2\n")
    assert json.loads(assets.bundle.current())["bytecode"] == {
        "app/__pycache__/kept.cpython-314.pyc": "kept-code"
    }
    assert assets.current().version != first
    # Never served itself (it is not a public file).
    client = TestClient(create_app(Config(database="sqlite://", static_root=tmp_path)))
    assert client.get("/" + bundle.BYTECODE).status_code == 404


def test_a_link_under_app_cannot_bundle_a_file_from_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "secret.py").write_text("KEY = 'x'\n")
    (tmp_path / "app" / "leak.py").symlink_to(tmp_path / "secret.py")
    (tmp_path / "app" / "ok.py").write_text("\n")
    assert bundle.shipped(tmp_path) == ["app/ok.py"]


def test_the_worker_gives_python_the_js_modules_pyscript_toml_names() -> None:
    """pyscript.toml names the JS modules the app's Python imports; the app's worker (which
    starts the runtime: app/js/worker.mjs) registers exactly those, from those files."""
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    named = config["js_modules"]["worker"]
    worker = (ROOT / "app" / "js" / "worker.mjs").read_text()
    loaded = re.search(r"const \[([\w, ]+)\] = await modules;", worker)
    files = re.findall(r'import\("\./([\w.-]+\.mjs)"\)', worker)
    assert loaded is not None
    imported = dict(zip(loaded.group(1).split(", "), files, strict=True))
    registered = dict(re.findall(r'registerJsModule\("(\w+)", (\w+)\)', worker))
    given = {
        f"/app/js/{imported[var]}": name for name, var in registered.items() if var in imported
    }
    assert given == named
    # And Python imports nothing else of that kind.
    for path in bundle.shipped(ROOT):
        for module in _imports(ROOT / path):
            if module.startswith("setflow_"):
                assert module.split(".")[0] in {*named.values(), "setflow_page"}, path


def test_the_runtime_is_the_vendored_one() -> None:
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    # The interpreter module is the app's own wrapper (start-up snapshots) around the vendored one.
    assert config["interpreter"] == "/app/js/pyodide.mjs"
    wrapper = (ROOT / "app" / "js" / "pyodide.mjs").read_text()
    assert 'from "/vendor/pyodide/pyodide.mjs"' in wrapper
    assert 'INDEX_URL = "/vendor/pyodide/"' in (ROOT / "app" / "js" / "snapshot.mjs").read_text()
    assert "packages" not in config  # no micropip, no wheels from elsewhere


@pytest.mark.parametrize(
    "path",
    [
        "server/app.py",
        "tests/unit/test_public_files.py",
        ".git/config",
        "data/setflow.sqlite3",
        "pyproject.toml",
        "Makefile",
        "node_modules/dexie/package.json",
        "app/../server/app.py",
        "app/core/__pycache__/schema.cpython-311.pyc",
        "requirements.lock",
        ".ci/run",
    ],
)
def test_private_files_are_never_served(path: str) -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    assert client.get("/" + path).status_code == 404


def test_public_files_are_served_with_their_types() -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    page = client.get("/")
    assert page.status_code == 200
    assert "data-app-state" in page.text
    assert client.get("/manifest.json").json()["short_name"] == "Setflow"
    # Served one by one too (developer tools, the store contract test), though the page uses the
    # bundle.
    assert client.get("/app/core/schema.py").headers["content-type"].startswith("text/x-python")
    assert client.get("/sw.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/api/nope").status_code == 404


def test_asset_list_covers_the_runtime_and_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    (tmp_path / "sw.js").write_text("//")
    (tmp_path / "vendor" / "pyodide").mkdir(parents=True)
    (tmp_path / "vendor" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "notes.txt").write_text("not public")
    assets = static.Assets(tmp_path)
    first = assets.current()
    assert first.urls == ("/", "/index.html", "/vendor/pyodide/pyodide.asm.wasm", bundle.URL)
    (tmp_path / "index.html").write_text("<html>v2</html>")
    second = assets.current()
    assert second.version != first.version
    assert f'"{second.version}"' in second.script()


def test_the_page_may_load_nothing_from_another_origin() -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "http" not in policy  # no other origin is allowed anywhere


def test_no_two_modules_of_app_and_server_share_a_name_but_the_workout_pair() -> None:
    """A reader finds a rule by its file name: the client's ``downstream.py`` is not the
    server's ``pull.py``.  Only ``workout.py`` is in two layers (``app/core``: a workout's rules;
    ``app/views``: the workout screen), mirroring the other screens' names."""
    seen: dict[str, list[str]] = {}
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "server").rglob("*.py")]:
        if "__pycache__" not in path.parts and path.name not in ("__init__.py", "main.py"):
            seen.setdefault(path.name, []).append(path.relative_to(ROOT).as_posix())
    shared = {name: sorted(paths) for name, paths in seen.items() if len(paths) > 1}
    assert shared == {"workout.py": ["app/core/workout.py", "app/views/workout.py"]}


def _bundles_naming_a_source_map() -> list[tuple[str, str]]:
    """Every vendored script whose last line names a source map: (its URL, the map's URL)."""
    found = []
    for script in sorted((ROOT / "vendor").rglob("*")):
        if script.suffix not in (".js", ".mjs"):
            continue
        named = re.search(rb"//# sourceMappingURL=(\S+)\s*$", script.read_bytes()[-300:])
        if named:
            url = "/" + script.relative_to(ROOT).as_posix()
            found.append((url, url.rsplit("/", 1)[0] + "/" + named.group(1).decode()))
    return found


def test_every_vendored_bundle_that_names_a_source_map_has_it_served_not_precached() -> None:
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    bundles = _bundles_naming_a_source_map()
    loaded = {url for url, _ in bundles}
    # The bundles the app itself loads are among them (the list is the real one).
    assert "/vendor/pyodide/pyodide.mjs" in loaded
    assert "/vendor/dexie/dexie.mjs" in loaded
    precached = client.get("/sw-assets.js").text
    for script, source_map in bundles:
        answer = client.get(source_map, headers={"Accept-Encoding": "br, gzip"})
        assert answer.status_code == 200, f"{script} names {source_map}, which is not served"
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["content-encoding"] in ("br", "gzip")
        assert answer.json()["version"] == 3  # a source map, decoded as the browser would
        assert f'"{source_map}"' not in precached, "source maps are for developer tools only"
        assert f'"{script}"' in precached


def test_the_page_and_its_workers_are_cross_origin_isolated() -> None:
    """Pyodide makes shared WebAssembly memory as it loads: without isolation Chromium reports
    a deprecated use of SharedArrayBuffer (Lighthouse's Best Practices)."""
    client = TestClient(create_app(Config(database="sqlite://", static_root=ROOT)))
    for url in ("/", "/app/js/snapshot-worker.mjs", "/sw.js", "/vendor/pyodide/pyodide.asm.mjs"):
        headers = client.get(url).headers
        assert headers["cross-origin-opener-policy"] == "same-origin", url
        assert headers["cross-origin-embedder-policy"] == "require-corp", url
        assert headers["cross-origin-resource-policy"] == "same-origin", url
