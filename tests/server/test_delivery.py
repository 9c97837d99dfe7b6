"""How public files travel: compressed, revalidated by ETag, long-cached only when hashed."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from starlette.testclient import TestClient

from devsupport.live_server import copy_public_files
from server.app import create_app
from server.config import Config

WASM = "/vendor/pyodide/pyodide.asm.wasm"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    config = Config(database=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return TestClient(create_app(config))


def test_the_runtime_is_sent_precompressed_as_the_browser_accepts(client: TestClient) -> None:
    plain = (Path(__file__).parents[2] / WASM.lstrip("/")).read_bytes()
    br = client.get(WASM, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["content-encoding"] == "br"
    assert br.headers["vary"] == "Accept-Encoding"
    assert int(br.headers["content-length"]) < len(plain) / 2
    gz = client.get(WASM, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    none = client.get(WASM, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in none.headers
    assert none.content == plain
    assert br.headers["etag"] != gz.headers["etag"] != none.headers["etag"]


def test_the_apps_own_text_files_are_gzipped(client: TestClient) -> None:
    response = client.get("/app/browser/ui.py", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "class App" in response.text


def test_an_unchanged_file_is_answered_304_without_a_body(client: TestClient) -> None:
    first = client.get(WASM, headers={"Accept-Encoding": "br"})
    again = client.get(
        WASM, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = client.get(WASM, headers={"Accept-Encoding": "br", "If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_only_content_hashed_names_are_cached_for_long(tmp_path: Path) -> None:
    root = copy_public_files(tmp_path / "public")
    (root / "vendor" / "lib").mkdir(parents=True)
    for name in ("chunk-Ab3_x9Zq.js", "chunk-Ab3_x9Zq.js.map", "chunk.js", "chunk.js.map"):
        (root / "vendor" / "lib" / name).write_text("//\n")
    client = TestClient(
        create_app(Config(database=f"sqlite:///{tmp_path / 'db.sqlite3'}", static_root=root))
    )
    assert "immutable" in client.get("/vendor/lib/chunk-Ab3_x9Zq.js").headers["cache-control"]
    # A hashed bundle's source map is as immutable as the bundle.
    assert "immutable" in client.get("/vendor/lib/chunk-Ab3_x9Zq.js.map").headers["cache-control"]
    for path in ("/", "/vendor/lib/chunk.js", "/vendor/lib/chunk.js.map", WASM, "/app/main.py"):
        assert client.get(path).headers["cache-control"] == "no-cache", path


def test_the_page_names_its_version_and_a_change_changes_it(tmp_path: Path) -> None:
    root = copy_public_files(tmp_path / "public")
    client = TestClient(
        create_app(Config(database=f"sqlite:///{tmp_path / 'db.sqlite3'}", static_root=root))
    )
    version = client.get("/sw-assets.js").text.split('"')[1]
    page = client.get("/")
    assert f'<meta name="setflow-version" content="{version}">' in page.text
    (root / "app" / "main.py").write_text((root / "app" / "main.py").read_text() + "\n# two\n")
    newer = client.get("/sw-assets.js").text.split('"')[1]
    assert newer != version
    assert f'content="{newer}"' in client.get("/").text


def test_compressed_copies_are_not_public_files(client: TestClient) -> None:
    assert client.get(WASM + ".br").status_code == 404
    assert client.get(WASM + ".gz").status_code == 404
    assert ".br" not in client.get("/sw-assets.js").text


def test_stale_compressed_copies_are_never_sent(tmp_path: Path) -> None:
    """A vendored file changed after its .br/.gz were made is sent as it is now."""
    root = copy_public_files(tmp_path / "public")
    mjs = root / "vendor" / "pyodide" / "pyodide.mjs"
    mjs.write_text(mjs.read_text() + "\n// changed\n")
    client = TestClient(
        create_app(Config(database=f"sqlite:///{tmp_path / 'db.sqlite3'}", static_root=root))
    )
    response = client.get("/vendor/pyodide/pyodide.mjs", headers={"Accept-Encoding": "br, gzip"})
    assert response.text.endswith("// changed\n")


def test_precompressed_files_decode_to_their_source() -> None:
    folder = Path(__file__).parents[2] / "vendor" / "pyodide"
    for name in ("pyodide.mjs", "pyodide-lock.json"):
        source = (folder / name).read_bytes()
        assert brotli.decompress((folder / (name + ".br")).read_bytes()) == source
        assert gzip.decompress((folder / (name + ".gz")).read_bytes()) == source


def test_the_apps_modules_are_sent_as_one_compressed_bundle_revalidated_by_etag(
    client: TestClient,
) -> None:
    br = client.get("/app/modules.json", headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["content-encoding"] == "br"
    assert br.headers["cache-control"] == "no-cache"  # its URL carries no hash
    assert "class App" in br.json()["modules"]["app/browser/ui.py"]
    plain = client.get("/app/modules.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert int(br.headers["content-length"]) < len(plain.content) / 3
    gz = client.get("/app/modules.json", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.json() == plain.json() == br.json()
    again = client.get(
        "/app/modules.json", headers={"Accept-Encoding": "br", "If-None-Match": br.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
