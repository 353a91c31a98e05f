"""Every codemod test gets its own result cache folder: no test reads another's cache, and none
writes `.tf1init_cache` into the folder pytest runs from."""
import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TF1INIT_CACHE_DIR", str(tmp_path_factory.mktemp("tf1init-cache")))
