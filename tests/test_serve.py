"""`roleplay serve`: what it starts, where it listens, and who may open which page."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from facilitation.serve import ServeOptions, page_urls, voila_command, voila_environment

from .browser import start_server


def test_by_default_the_pages_listen_on_loopback_preheated_and_culled() -> None:
    command = " ".join(voila_command(ServeOptions(port=9001)))
    for flag in ("--Voila.ip=127.0.0.1", "--port=9001", "--preheat_kernel=True", "--pool_size=1",
                 "--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=30",
                 "--VoilaConfiguration.show_tracebacks=False"):
        assert flag in command
    assert "ROLEPLAY_FACILITATOR_KEY" not in voila_environment(ServeOptions())


def test_on_the_network_every_link_needs_the_token_and_only_the_facilitators_carry_the_key() -> None:
    options = ServeOptions(lan=True, token="tok", facilitator_key="key")
    assert "--Voila.ip=0.0.0.0" in voila_command(options) and "--Voila.token=tok" in voila_command(options)
    assert voila_environment(options)["ROLEPLAY_FACILITATOR_KEY"] == "key"
    urls = page_urls(options, "K7Q2", host="10.0.0.5")
    assert all("token=tok" in url for url in urls.values())
    assert "key=key" in urls["facilitator"] and "key=key" in urls["library"]
    assert not any("key=key" in urls[page] for page in ("observer", "customer", "projector"))


def test_a_lan_server_refuses_a_page_without_the_token(tmp_path: Path) -> None:
    pytest.importorskip("voila")
    for server in start_server(f"sqlite:///{tmp_path / 'lan.db'}", tmp_path / "voila.log", lan=True,
                               pool_size=0, token="right-token"):
        url = f"http://127.0.0.1:{server.options.port}/voila/render/observer.ipynb?session=K7Q2"
        with urllib.request.urlopen(url, timeout=30) as refused:  # sent to the login form instead
            assert "/login" in refused.geturl()
        with urllib.request.urlopen(f"{url}&token=right-token", timeout=60) as page:
            assert page.status == 200 and "/voila/render/observer.ipynb" in page.geturl()
